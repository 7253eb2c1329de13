"""digibank's benchmark: latency and query counts of key pages through the full Django
stack, on a synthetic data set of Flemish scale. Run `python -m benchmarks.run`."""
