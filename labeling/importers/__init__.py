"""Read import files into ItemRecords (one module per format), check them, and write them.

`records_open` (labeling.importers.sources) picks the parser; `records_check` (check.py) is
pass 1 and `BatchWriter` (writer.py) the batched writes of pass 2.
"""
