"""Pure agreement and aggregation metrics: numpy in, numbers out, no Django.

Every function takes long-form arrays (one row per annotation: item index,
annotator index, value code) or the count tables built from them, so the same
code serves the database path, the benchmark and the tests.

Modules:
- tables: item x value count tables from long form
- alpha, bootstrap: Krippendorff's alpha (all levels) and its item-bootstrap interval
- kappa: percent agreement, Fleiss' kappa (Gwet's generalisation), Gwet's AC1, Cohen per pair
- agreement: per item, per label (one vs rest), per annotator, pair matrix
- sets: multi-label alpha (per label; Jaccard and MASI set distances)
- grouping: alpha per group key (guideline version, week)
- aggregation, dawid_skene, competence, incidence: majority vote, Dawid-Skene EM, MACE
- risk, calibration, review_budget: p_wrong per item, Platt scaling and ECE, the budgeted queue
- inputs, sections, report: the `agreement --json` object
- results: Metric, a value or None with the reason it is undefined
- spans/, boxes/: matching, agreement, aggregation and the report for span and box annotations
- layout, long_form, patterns, json_figures: within-item pairs, annotation rows from a mapping,
  count-table figures over distinct rows, report rounding and pair matrices
"""
