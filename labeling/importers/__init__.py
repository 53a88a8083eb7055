"""The import pipeline: parse/ reads a file into checked ItemRecords, load/ writes them.

`labeling.services.imports.import_file` drives it, all or nothing, in one of two ways:

- One pass (PostgreSQL, a file of items: Accord's JSON Lines, JSON or CSV, or another tool's
  export). In one transaction `load.copy.records_copy` has the file read, checked and turned
  into COPY lines (parse/, then `load.copy_producer`), in a child process for files of 1 MB or
  more (`load.child_process`), while it resolves annotator names to users, looks the file's
  ids up in the project and COPYs each batch (`load.copy_batches`). After the first problem
  nothing more is written, but the rest of the file is still checked; the caller raises
  ImportFailed with every problem, which rolls the transaction back.
- Two passes (SQLite, and image imports, a zip or folder, on any database). Pass 1
  (`parse.checks.records_check`) reads the whole file and reports every problem, writing
  nothing; pass 2 reads it again in one transaction and writes every record in batches
  (`load.write_pass.BatchWriter`), storing images as it goes.

Two ways to write rows: COPY wherever the database is PostgreSQL (both ways above share one
encoding of rows, `load.copy_lines`, and one writer, `load.copy_batches`), and the ORM's
bulk_create elsewhere. With bulk_create instead of COPY, a two-pass import of 50,000 text
items on PostgreSQL took about seven times the CPU, so both stay. parse/ never imports load/
(an import-linter contract).
"""
