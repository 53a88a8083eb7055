"""Readers of a project's annotations into the pure metrics' long form (one module per kind)."""
