"""Read a project's items for export in id-ordered chunks, as plain dicts (the import line format).

Items are read by keyset (id > last id) CHUNK_ITEMS at a time; their annotations and
predictions come with one query each per chunk, so memory holds one chunk at a time.
JSON columns are read as text and carried as RawJSON (see labeling.exporters.encode).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import F, TextField
from django.db.models.functions import Cast

from labeling.exporters.encode import RawJSON
from labeling.models import Annotation, Item, Prediction, Project

CHUNK_ITEMS = 2000
INCLUDES = ("all", "aggregate", "final")

ITEM_FIELDS = (
    "id",
    "external_id",
    "data_text",
    "agreement",
    "aggregate_text",
    "aggregate_confidence",
    "aggregate_method",
    "final_text",
    "final_reviewer__username",
    "final_decided_at",
    "p_wrong",
)
ANNOTATION_FIELDS = (
    "item_id",
    "annotator_id",
    "value_text",
    "created_at",
    "guideline_version",
    "lead_time_ms",
    "unsure",
    "comment",
)


def _text(field: str) -> Cast:
    return Cast(F(field), output_field=TextField())


def _raw(text: str | None) -> RawJSON | None:
    return None if text is None else RawJSON(text)


def annotation_dict(
    annotator: str, value: str, created: str, version: int | None, lead_time: int | None, unsure: bool, comment: str
) -> dict[str, Any]:
    """An annotation of an export row (keys in the import format's order; flags only when set)."""
    annotation = {
        "annotator": annotator,
        "value": RawJSON(value),
        "created_at": created,
        "guideline_version": version,
        "lead_time_ms": lead_time,
    }
    if unsure:
        annotation["unsure"] = True
    if comment:
        annotation["comment"] = comment
    return annotation


AnnotationShape = Callable[[str, str, str, "int | None", "int | None", bool, str], Any]


RawChunk = tuple[list[tuple[Any, ...]], dict[int, list[Any]], dict[int, list[Any]]]


def row_chunks(project: Project, *, include: str = "all", shape: AnnotationShape = annotation_dict) -> Iterator[list[dict[str, Any]]]:
    """Yield lists of export rows (dicts), CHUNK_ITEMS items per list, in item id order.

    include 'all': annotations, predictions, aggregate, agreement and final; 'aggregate':
    the aggregated label and agreement only; 'final': the final label only. `shape` builds
    each annotation (JSON Lines passes one that returns ready JSON text).
    """
    for items, labels, guesses in raw_chunks(project, include=include, shape=shape):
        yield [row_of(item, include, labels.get(item[0], []), guesses.get(item[0], [])) for item in items]


def raw_chunks(project: Project, *, include: str, shape: AnnotationShape) -> Iterator[RawChunk]:
    """Per chunk: the item tuples (ITEM_FIELDS), and annotations and predictions by item id."""
    last_id = 0
    names = Usernames()
    while (chunk := raw_chunk(project, after=last_id, include=include, shape=shape, names=names, limit=CHUNK_ITEMS)):
        last_id = chunk[0][-1][0]
        yield chunk


def raw_chunk(
    project: Project, *, after: int, include: str, shape: AnnotationShape, names: Usernames, limit: int | None = None, upto: int | None = None
) -> RawChunk | None:
    """The project's first `limit` items after item id `after` (all up to id `upto`), as
    raw_chunks gives them (None when there is none)."""
    found = Item.objects.filter(project=project, id__gt=after)
    if upto is not None:
        found = found.filter(id__lte=upto)
    found = found.annotate(data_text=_text("data"), aggregate_text=_text("aggregate_value"), final_text=_text("final_value"))
    rows = found.order_by("id").values_list(*ITEM_FIELDS)
    items = list(rows if limit is None else rows[:limit])
    if not items:
        return None
    ids = [item[0] for item in items]
    labels = _annotations(ids, names, shape) if include == "all" else {}
    guesses = _predictions(ids) if include == "all" else {}
    return items, labels, guesses


def row_of(item: tuple[Any, ...], include: str, labels: list[Any], guesses: list[Any]) -> dict[str, Any]:
    """The export row (a dict in the import line's key order) of one item tuple."""
    _, external_id, data, agreement, aggregate, confidence, method, final, reviewer, decided_at = item[:10]
    p_wrong = item[10] if len(item) > 10 else None
    row: dict[str, Any] = {"id": external_id, "data": RawJSON(data)}
    if include == "all":
        row["annotations"] = labels
        if guesses:
            row["predictions"] = guesses
    if include in ("all", "aggregate"):
        if aggregate is not None:
            row["aggregate"] = {"value": RawJSON(aggregate), "confidence": confidence, "method": method}
            if p_wrong is not None:
                row["aggregate"]["p_wrong"] = p_wrong
        if agreement is not None:
            row["agreement"] = agreement
    if include in ("all", "final") and final is not None:
        row["final"] = {"value": RawJSON(final), "reviewer": reviewer, "decided_at": _time(decided_at)}
    return row


class Usernames:
    """Annotator id -> username, looked up once per export (a join per chunk costs more)."""

    def __init__(self) -> None:
        self.names: dict[int, str] = {}

    def __call__(self, user_ids: set[int]) -> dict[int, str]:
        missing = user_ids - self.names.keys()
        if missing:
            self.names.update(get_user_model().objects.filter(pk__in=missing).values_list("pk", "username"))
        return self.names


def _annotations(ids: list[int], usernames: Usernames, shape: AnnotationShape) -> dict[int, list[Any]]:
    # By item id range only: a project filter tempts PostgreSQL into scanning the whole
    # project. Items of other projects inside the range are dropped below.
    wanted = set(ids)
    found: dict[int, list[Any]] = defaultdict(list)
    rows = list(
        Annotation.objects.filter(item_id__gte=ids[0], item_id__lte=ids[-1])
        .annotate(value_text=_text("value"))
        .order_by("item_id", "id")
        .values_list(*ANNOTATION_FIELDS)
    )
    names = usernames({row[1] for row in rows})
    times: dict[datetime, str] = {}  # imported annotations share a few timestamps
    for item_id, annotator_id, value, created_at, version, lead_time, unsure, comment in rows:
        if item_id not in wanted:
            continue
        created = times.get(created_at)
        if created is None:
            created = times[created_at] = created_at.isoformat()
        annotation = shape(names[annotator_id], value, created, version, lead_time, unsure, comment)
        found[item_id].append(annotation)
    return found


def _predictions(ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    wanted = set(ids)
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    rows = (
        Prediction.objects.filter(item_id__gte=ids[0], item_id__lte=ids[-1])
        .annotate(value_text=_text("value"))
        .order_by("item_id", "id")
        .values_list("item_id", "model_version", "value_text", "score")
    )
    for item_id, model, value, score in rows:
        if item_id in wanted:
            found[item_id].append({"model": model, "value": RawJSON(value), "score": score})
    return found


def _time(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
