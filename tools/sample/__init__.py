"""The deterministic synthetic corpus generator: `data/sample/` and the benchmarks' corpora."""
