"""Benchmarks: the hub measured against the floor of its own stack, every figure a ratio taken in the same run."""
