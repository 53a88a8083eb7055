"""Model-assisted pre-labeling: one small backend interface and its implementations.

`base` defines the interface, `registry` maps names to backends, `labels` turns annotation
values into classes and back, `storage` keeps fitted models on disk, `training` fits a model
version with cross-validated accuracy, `measures` reads per-version accuracy and acceptance.
"""
