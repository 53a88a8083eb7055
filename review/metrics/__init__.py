"""Pure agreement and aggregation metrics: numpy in, numbers out, no Django.

Every function takes long-form arrays (one row per annotation: item index,
annotator index, value code) or the count tables built from them, so the same
code serves the database path, the benchmark and the tests.
"""
