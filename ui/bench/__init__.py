"""`policyqa bench`: quality against two baselines, speed, a scale curve and HTTP load, as figures with units."""
