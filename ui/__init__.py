"""People- and program-facing surfaces: the `policyqa` CLI, the Gradio chat and the HTTP API."""
