"""Security suites (issue 21): hostile uploads, served files, CSV formulas, NUL and size limits."""
