"""Read import files into ItemRecords (one module per format), check them, and write them.

`records_open` (labeling.importers.sources) picks the parser. On PostgreSQL a text import is
checked and COPYed in one pass (one_pass.py, with parse_batches, forked, copy_batches and fk_checks); elsewhere
`records_check` (check.py) is pass 1 and `BatchWriter` (writer.py) the batched writes of pass 2.
"""
