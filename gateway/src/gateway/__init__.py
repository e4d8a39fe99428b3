"""The API gateway: routing, token checks, rate limits, request ids, the web UI."""
