"""Export a project as text chunks (JSONL, JSON array, long CSV) with constant memory."""
