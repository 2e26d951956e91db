"""The benchmark: `python -m bench.run` builds a large data set, serves it with gunicorn,
loads it with wrk over loopback and prints a table. Not a test; never run in CI."""
