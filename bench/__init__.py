"""Benchmarks (not part of the test run). `make bench` runs every bench/*.py module's main()."""
