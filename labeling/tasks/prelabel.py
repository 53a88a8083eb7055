"""Pre-labeling tasks (filled in by the pre-labeling feature)."""

__all__: list[str] = []
