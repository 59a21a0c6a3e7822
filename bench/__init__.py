"""Benchmarks (see README.md); a package so one benchmark can reuse another's helpers."""
