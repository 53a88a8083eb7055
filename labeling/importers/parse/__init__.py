"""Reading an import: bytes to checked ItemRecords."""
