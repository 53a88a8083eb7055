"""Writing an import: checked records to rows."""
