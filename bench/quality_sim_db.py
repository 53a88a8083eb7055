"""quality_sim.py --through-db: import a simulated crowd through labeling's import service, read it back.

A throwaway SQLite database under a temporary directory is migrated once; every
setting becomes a project ("single" labels c0..cK-1), its labels a JSON Lines
file imported with labeling.services.imports.import_file (the path `import_items`
and the upload page use), with Celery eager so the import's follow-up agreement
run happens too. The labels are then read back with review.loaders.project_data,
exactly what the project agreement run reads, and mapped to the simulator's
indices; a mismatch with the simulated labels stops the bench.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

_READY: dict[str, Path] = {}


def _django() -> Path:
    """Point Django at a fresh SQLite file with eager Celery, set it up and migrate (once)."""
    if "dir" in _READY:
        return _READY["dir"]
    folder = Path(tempfile.mkdtemp(prefix="quality-sim-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'sim.sqlite3'}"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    _READY["dir"] = folder
    return folder


def _write_jsonl(crowd, path: Path) -> None:
    """One line per item: id sim-<i>, its labels by annotator sim-a<a>."""
    by_item: dict[int, list[dict]] = {}
    for i, a, c in zip(
        crowd.items.tolist(), crowd.annotators.tolist(), crowd.codes.tolist(), strict=True
    ):
        by_item.setdefault(i, []).append({"annotator": f"sim-a{a}", "value": {"label": f"c{c}"}})
    with path.open("w") as handle:
        for i in range(crowd.sizes["n_items"]):
            line = {
                "id": f"sim-{i}",
                "data": {"text": f"item {i}"},
                "annotations": by_item.get(i, []),
            }
            handle.write(json.dumps(line) + "\n")


def through_db(crowd, *, name: str):
    """The crowd as imported and read back through the real code path (same type as ``crowd``)."""
    folder = _django()
    from labeling.models import Item
    from labeling.services.imports import import_file
    from labeling.services.projects import project_create
    from review.loaders import project_data

    k = crowd.sizes["n_classes"]
    schema = {"kind": "single", "data": "text", "labels": [{"value": f"c{c}"} for c in range(k)]}
    project = project_create(name=f"sim {name}", schema=schema)
    path = folder / f"{project.pk}.jsonl"
    _write_jsonl(crowd, path)
    import_file(project=project, path=path)
    loaded = project_data(project)
    external = dict(Item.objects.filter(project=project).values_list("id", "external_id"))
    index = np.array([int(external[i].removeprefix("sim-")) for i in loaded.item_ids.tolist()])
    names = loaded.annotations.annotator_names
    annotator = np.array(
        [int(names[a].removeprefix("sim-a")) for a in loaded.annotations.annotators]
    )
    items = index[loaded.annotations.items]
    _check_same(crowd, items, annotator, np.asarray(loaded.annotations.codes))
    return type(crowd)(
        items,
        annotator,
        np.asarray(loaded.annotations.codes),
        crowd.truth,
        crowd.model,
        crowd.sizes,
    )


def _check_same(crowd, items, annotators, codes) -> None:
    """Stop when the labels read back differ from the simulated ones (as a set of triples)."""
    simulated = sorted(
        zip(crowd.items.tolist(), crowd.annotators.tolist(), crowd.codes.tolist(), strict=True)
    )
    read = sorted(zip(items.tolist(), annotators.tolist(), codes.tolist(), strict=True))
    if simulated != read:
        raise SystemExit(f"labels read back differ: {len(simulated)} simulated, {len(read)} read")
    print(f"(through the DB: {len(read)} labels imported and read back unchanged)")
