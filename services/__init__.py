"""Processes people run: the HTTP API, the clock, the CLI. The composition root."""
