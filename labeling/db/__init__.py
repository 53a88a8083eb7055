"""The raw-SQL fence: the one executor, bulk-load helpers and advisory locks (see STYLE.md)."""
