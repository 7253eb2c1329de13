"""Measurement modules: each registers its functions with `@measurement(...)` from
benchmarks.registry. Every module in this package is imported by the runner."""
