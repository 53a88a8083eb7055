"""Export a project in a named format with constant memory; the formats are listed by name in
labeling.exporters.catalogue (JSON Lines, JSON, CSV, Label Studio, CoNLL, spaCy, COCO, YOLO)."""
