"""The story project `seed_demo` adds: a labeling round already under way.

Three annotators have labeled most items (and disagree where people really would), the flag
refresh has queued some items for review, a reviewer has settled one, the guideline has two
versions and a tf-idf pre-label run has finished, so every page has content in the first
minute. Everything goes through the services a team would use (import with annotations,
flag refresh, the review decision, guideline publishing, the pre-label job run in-process).

It lives in frontend, the one layer that may call labeling, review and guidelines alike;
labeling's seed_demo command reaches it by command name (seed_demo_story).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from guidelines import services as guideline_services
from labeling import demo
from labeling.selectors_items import item_first_or_none
from labeling.selectors_projects import project_get_by_name_or_none
from labeling.services import membership_set, project_create
from labeling.services.imports import import_file
from labeling.services.prelabel import prelabel_batch_run, prelabel_job_create, prelabel_job_run
from review.selectors.pages import flag_most_severe_open_or_none
from review.services.decisions import final_label_set
from review.services.refresh import project_refresh

if TYPE_CHECKING:
    from labeling.models import Project

STORY_PROJECT = "Demo: a labeling round in progress"
ANNOTATORS = ("annotator1", "annotator2", "annotator3")
LABELS = ("positive", "negative", "neutral", "mixed")
# What a careful reader would answer for each of demo.DEMO_TEXTS, in order.
TRUTH = (
    *("positive", "negative", "neutral", "mixed", "negative", "neutral", "positive", "negative"),
    *("neutral", "mixed", "negative", "positive", "neutral", "mixed", "negative", "positive"),
    *("negative", "neutral", "positive", "negative", "neutral", "negative", "positive"),
    *("negative", "neutral", "mixed", "negative", "neutral", "positive", "negative", "neutral"),
    *("positive", "negative", "neutral", "mixed", "negative", "neutral", "positive", "neutral"),
    "neutral",
)
FULLY_LABELED = 24  # items 1..24 have all three labels; 25..30 one or two; the rest none
PARTLY_LABELED = 30
# Items the three annotators read three ways (the hard cases the review queue is for).
HARD = frozenset({3, 9, 13, 19, 22})
# (item index, annotator) -> the note an unsure annotator left (the "unsure" flag's material).
NOTES = {(11, 2): "Thanks for an invoice: is that positive or just neutral?"}
GUIDELINE_V1 = """# Support ticket sentiment

Label how the customer feels in the message as a whole.

## positive
The customer is pleased or thankful.

## negative
The customer is unhappy or angry.

## neutral
A plain question or statement.
"""
GUIDELINE_V2 = (
    GUIDELINE_V1
    + """
## mixed
Both praise **and** complaint in one message, e.g. *"great app, but it logs me out"*.
Use it only when neither side dominates; a polite complaint is still **negative**.
"""
)


def story_seed(*, users: dict[str, AbstractBaseUser]) -> tuple[Project, bool]:
    """Create the story project once; (project, created). A second call changes nothing."""
    project = project_get_by_name_or_none(name=STORY_PROJECT)
    if project is not None:
        return project, False
    with transaction.atomic():
        project = _project(users)
        _publish(project, users["lead"], GUIDELINE_V1, "First version")
        for name in ANNOTATORS:
            guideline_services.acknowledge(user=users[name], project=project)
        _import(project, users["lead"])
        project_refresh(project_id=project.pk)
        _settle_one(project, users["reviewer"])
        _publish(project, users["lead"], GUIDELINE_V2, "Added the mixed label, with an example")
        _prelabel(project, users["lead"])
    return project, True


def _project(users: dict[str, AbstractBaseUser]) -> Project:
    project = project_create(
        name=STORY_PROJECT,
        description="Three annotators, a few disagreements, one settled item. Seeded by seed_demo.",
        schema=demo.DEMO_SCHEMA,
        created_by=users["lead"],
    )
    for name, role in demo.DEMO_USERS:
        membership_set(project=project, user=users[name], role=role)
    return project


def _publish(project: Project, lead: AbstractBaseUser, markdown: str, changelog: str) -> None:
    guideline_services.draft_save(
        project=project, author=lead, markdown=markdown, changelog=changelog
    )
    guideline_services.version_publish(project=project, author=lead, changelog=changelog)


def label_of(annotator: int, index: int) -> str:
    """Annotator `annotator` (0-2)'s label for item `index`: mostly the truth, with the slips
    real annotators make (mixed read as negative, questions read as positive, and so on)."""
    truth = TRUTH[index]
    if index in HARD:
        return LABELS[(LABELS.index(truth) + annotator) % len(LABELS)]
    if annotator == 1 and truth == "mixed":
        return "negative"
    if annotator == 2 and index % 5 == 2:
        return "positive" if truth == "neutral" else "neutral"
    if annotator == 0 and index % 9 == 4:
        return LABELS[(LABELS.index(truth) + 1) % len(LABELS)]
    return truth


def story_records() -> list[dict[str, Any]]:
    """The import lines: every demo text, labeled by as many annotators as its place says."""
    records = []
    for index, text in enumerate(demo.DEMO_TEXTS):
        count = 3 if index < FULLY_LABELED else (1 + index % 2 if index < PARTLY_LABELED else 0)
        records.append(
            {
                "id": f"story-{index + 1:03d}",
                "data": {"text": text},
                "annotations": [_annotation(a, index) for a in range(count)],
            }
        )
    return records


def _annotation(annotator: int, index: int) -> dict[str, Any]:
    record: dict[str, Any] = {
        "annotator": ANNOTATORS[annotator],
        "value": {"label": label_of(annotator, index)},
    }
    note = NOTES.get((index, annotator))
    if note:
        record.update(unsure=True, comment=note)
    return record


def _import(project: Project, lead: AbstractBaseUser) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "story.jsonl"
        path.write_text("\n".join(json.dumps(r) for r in story_records()) + "\n", encoding="utf-8")
        import_file(project=project, path=path, actor=lead)


def _settle_one(project: Project, reviewer: AbstractBaseUser) -> None:
    """The reviewer settles the most severe flagged item (else the first labeled one)."""
    flag = flag_most_severe_open_or_none(project=project)
    item = flag.item if flag else item_first_or_none(project=project)
    if item is None:
        return
    truth = TRUTH[int(item.external_id.rsplit("-", 1)[1]) - 1]
    final_label_set(
        item=item,
        reviewer=reviewer,
        value={"label": truth},
        cause="",
        note="Settled in the demo: the guideline's definition decides.",
    )


def _prelabel(project: Project, lead: AbstractBaseUser) -> None:
    """Run a tf-idf pre-label job to the end in this process (no worker needed)."""
    job = prelabel_job_create(project=project, user=lead, backend="tfidf")
    for start_id, end_id, expected in prelabel_job_run(job_id=job.pk):
        prelabel_batch_run(job_id=job.pk, start_id=start_id, end_id=end_id, expected=expected)
