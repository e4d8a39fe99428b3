"""Benchmark data generators (not product code: the services never import them)."""
