"""`ucnb scan`: one row per node for thousands of bundles on Dask (scan), and the fleet's views."""
