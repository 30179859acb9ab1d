"""Scale-up benchmarks (synthetic data kept apart from the real database)."""
