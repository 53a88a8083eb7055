"""The project-wide flag refresh judges a batch outside transactions and writes in short chunks."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from labeling.models import Item
from review.flags import ProjectFacts
from review.models import Flag
from review.services import flags_batch
from review.services.flags import project_flags_refresh
from review.services.model_evidence import ModelFacts
from tests.factories import AnnotationFactory, UserFactory
from tests.test_flags import contested_item


def test_a_batch_reads_its_items_in_a_few_queries_not_per_item(project):
    for _ in range(12):
        contested_item(project)
    with CaptureQueriesContext(connection) as queries:
        project_flags_refresh(project_id=project.pk)
    assert Flag.objects.filter(project=project, reason="low_agreement").count() == 12
    # Per item: the flag inserts only; reads are per batch or chunk (once 2 + per item before).
    assert len(queries.captured_queries) < 12 * 2 + 15


def test_an_item_labelled_after_it_was_judged_is_judged_again_before_writing(project):
    item = contested_item(project, names=("positive", "positive", "positive"))
    judged = flags_batch._judge([item.pk], ProjectFacts(), ModelFacts())
    assert judged[0][2] == {}  # unanimous: nothing to flag
    # A submit lands between the read and the write and makes the item contested.
    Item.objects.filter(pk=item.pk).update(target_overlap=4)
    AnnotationFactory(item=item, annotator=UserFactory(username="late"), value={"label": "neutral"})
    Item.objects.filter(pk=item.pk).update(annotation_count=4)
    assert flags_batch._write_chunk(judged) == [item.pk]


def test_the_chunks_write_the_same_flags_as_one_item_refresh_each(project, monkeypatch):
    monkeypatch.setattr(flags_batch, "WRITE_CHUNK", 2)
    items = [contested_item(project) for _ in range(5)]
    assert project_flags_refresh(project_id=project.pk) == items[-1].pk
    flagged = Flag.objects.filter(project=project, reason="low_agreement")
    assert sorted(flagged.values_list("item_id", flat=True)) == [i.pk for i in items]


def test_many_rows_of_aggregates_and_p_wrong_round_trip(project):
    from labeling.services.items import items_aggregates_set, items_p_wrong_set
    from tests.factories import ItemFactory

    first, second = ItemFactory(project=project), ItemFactory(project=project, p_wrong=0.5)
    items_aggregates_set(
        rows=[
            (second.pk, (None, None, "", None)),
            (first.pk, ({"label": "neg'ative"}, 0.75, "majority", 0.5)),
        ]
    )
    assert items_p_wrong_set(rows=[(first.pk, 0.25), (second.pk, None)]) == 2
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.aggregate_value, first.aggregate_confidence, first.aggregate_method) == (
        {"label": "neg'ative"}, 0.75, "majority"
    )
    assert (first.agreement, first.p_wrong) == (0.5, 0.25)
    assert second.aggregate_value is None
    assert second.p_wrong is None
    assert Item.objects.filter(pk=second.pk, aggregate_value__isnull=True).exists()
