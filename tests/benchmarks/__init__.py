"""Benchmarks against the raw engine (`make bench`); not part of `make test`."""
