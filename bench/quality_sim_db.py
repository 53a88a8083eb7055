"""quality_sim.py --through-db: import a simulated crowd through labeling's import service, read it back.

A throwaway SQLite database under a temporary directory is migrated once; every
setting becomes a project ("single" labels c0..cK-1), its labels a JSON Lines
file imported with labeling.services.imports.import_file (the path `import_items`
and the upload page use), with Celery eager so the import's follow-up agreement
run happens too. The labels are then read back with review.loaders.annotations.project_data,
exactly what the project agreement run reads, and mapped to the simulator's
indices; a mismatch with the simulated labels stops the bench.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import tempfile
from dataclasses import replace
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
    from review.loaders.annotations import project_data

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
    _print_stored(project, crowd.truth)
    return replace(crowd, items=items, annotators=annotator, codes=np.asarray(loaded.annotations.codes))


def _check_same(crowd, items, annotators, codes) -> None:
    """Stop when the labels read back differ from the simulated ones (as a set of triples)."""
    simulated = sorted(
        zip(crowd.items.tolist(), crowd.annotators.tolist(), crowd.codes.tolist(), strict=True)
    )
    read = sorted(zip(items.tolist(), annotators.tolist(), codes.tolist(), strict=True))
    if simulated != read:
        raise SystemExit(f"labels read back differ: {len(simulated)} simulated, {len(read)} read")
    print(f"(through the DB: {len(read)} labels imported and read back unchanged)")


def _print_stored(project, truth: np.ndarray) -> None:
    """What the product stored after the import's refresh: aggregates, p_wrong and the flagged queue.

    Accuracy of the stored aggregates, share of items with an open flag (the review queue at
    the default budget), share of the wrong aggregates among them, and the ECE of stored p_wrong.
    """
    from labeling.models import Item
    from review.metrics.calibration import expected_calibration_error
    from review.models import Flag

    rows = Item.objects.filter(project=project).values_list(
        "id", "external_id", "aggregate_value", "p_wrong"
    )
    flagged = set(
        Flag.objects.filter(project=project, status="open").values_list("item_id", flat=True)
    )
    wrong, risk, queued = [], [], []
    for pk, external, aggregate, p_wrong in rows:
        label = int(aggregate["label"].removeprefix("c")) if aggregate else -1
        wrong.append(label != truth[int(external.removeprefix("sim-"))])
        risk.append(np.nan if p_wrong is None else p_wrong)
        queued.append(pk in flagged)
    wrong_arr, queued_arr = np.array(wrong), np.array(queued)
    caught = wrong_arr[queued_arr].sum() / max(int(wrong_arr.sum()), 1)
    ece = expected_calibration_error(np.array(risk), wrong_arr)
    print(
        f"(stored by the product: aggregate accuracy {1 - wrong_arr.mean():.3f}, "
        f"{queued_arr.mean():.1%} of items flagged, holding {caught:.1%} of the wrong labels; "
        f"ECE of stored p_wrong {ece:.3f}; method {Item.objects.filter(project=project).values_list('aggregate_method', flat=True).first()})"
    )
