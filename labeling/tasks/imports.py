"""Import tasks (filled in by the import feature)."""

__all__: list[str] = []
