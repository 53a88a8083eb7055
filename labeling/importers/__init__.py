"""Parse import files into ItemRecords, one module per format; nothing here writes to the DB.

`open_records` (in labeling.importers.sources) picks the parser for a path and format.
"""
