"""Writing an import: checked ItemRecords become item, annotation and prediction rows, in the caller's transaction.

The one-pass COPY import (PostgreSQL, files of items):
- `copy.records_copy` runs it: transaction settings, foreign-key bypass, annotator ids, and
  the loop that COPYs each batch the parser hands over and collects every problem;
- `child_process.forked` runs the parser in a forked child (files of 1 MB or more), so
  parsing and COPY use both cores; the child never touches the database;
- `copy_producer.parsed_batches`, the parser's side: records read and checked (parse/),
  turned into COPY lines batch by batch;
- `copy_lines.LineBuilder` encodes one record's rows as COPY text (the one encoding, also
  used by the write pass below); `columns` names the columns an import sets;
- `copy_batches.BatchCopier` takes a batch's item ids from the sequence and COPYs its
  lines, and looks its ids up in the project when the project had items;
- `copy_table.CopyTable`: a table's COPY columns (those the database fills are left out)
  and the escaping of COPY's text format;
- `transaction_settings`: SET LOCAL for a bulk load (no synchronous commit, WAL compression);
- `fk_checks`: per-row foreign-key triggers off where the role may, and the same
  references checked once per referenced row instead.

The write pass of the two-pass import (SQLite, and image imports everywhere):
- `write_pass.BatchWriter` stores each record's image and writes rows every BATCH_ITEMS:
  COPY from a background thread on PostgreSQL (the lines and writer above), bulk_create
  elsewhere.
"""
