"""The benchmark: `python -m bench` (or `bench/run`). See docs/benchmarks.md."""
