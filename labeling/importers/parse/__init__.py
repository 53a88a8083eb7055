"""Reading an import: the bytes of a file become checked ItemRecords, or RowErrors with line numbers.

The stages, in the order a record passes them:
1. Open (`stream.records_open`): tell the format (`stream.format_detect`: by the file's name,
   then by its head, `detect.format_sniff`), open the file or the zip/folder (`images`), and
   give a RecordStream: the records, how many bytes are read of how many (progress), and the
   images the items name.
2. Decode (`decoding.LineDecoder`): bytes to text lines; bytes that are not UTF-8, items over
   ACCORD_MAX_ITEM_BYTES and NUL characters become RowErrors and reading goes on.
3. Read, one module per format: `jsonl`, `json_array` (streamed object by object),
   `csv_long` (rows of an item gathered), and other tools' exports in `foreign/` (Label
   Studio, doccano, Prodigy, CoNLL, COCO). Each yields ItemRecords and RowErrors (`records`).
4. Shape (`shape.record_from_object`): the fields an item, annotation and prediction need,
   of the right types.
5. Meaning (`checks`): values valid for the project's schema (normalised in place), one
   annotation per annotator, ids not repeated in the file (`seen_ids.SeenIds`, digests in
   numpy arrays, about 18 bytes an id) nor already in the project, images readable. `records_check` is pass 1 of the two-pass import; the one-pass import calls
   `record_problems` per record (labeling.importers.load.copy_producer).

Nothing here writes; the only database reads are the id lookups of `checks.records_check`.
`gold_file` reads a file of gold answers for items already imported (the items page).
"""
