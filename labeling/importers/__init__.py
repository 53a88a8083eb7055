"""Read import files into ItemRecords and check them (parse/), then write them (load/).

`records_open` (parse.stream) picks the parser. On PostgreSQL a text import is checked and
COPYed in one pass (load.copy); elsewhere `records_check` (parse.checks) is pass 1 and
`BatchWriter` (load.write_pass) the batched writes of pass 2.
"""
