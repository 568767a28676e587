"""QA stage: retrieve, rank, compose a grounded answer with citations, or refuse."""
