"""Data: record who already reviewed each item (labeling.ItemReviewer) from review's history.

Sources: review decisions (final, send-back, dismissal), annotation verdicts, example marks in
the audit log and the final reviewer still on the item. The claim keeps these users out of the
item's annotation pool from now on. Reverse: nothing to undo (the table is dropped by
labeling's schema migration when that is reversed).
"""

from django.db import migrations

BATCH = 5000


def _pairs(apps):
    decision = apps.get_model("review", "ReviewDecision")
    verdict = apps.get_model("review", "AnnotationReview")
    entry = apps.get_model("labeling", "AuditEntry")
    item = apps.get_model("labeling", "Item")
    yield from decision.objects.values_list("item_id", "reviewer_id").iterator()
    yield from verdict.objects.values_list("annotation__item_id", "reviewer_id").iterator()
    examples = entry.objects.filter(action="review.example", target_type="item", actor__isnull=False)
    marked = {(int(t), a) for t, a in examples.values_list("target_id", "actor_id") if t.isdigit()}
    # Audit entries outlive their items: keep the marks of items that still exist.
    alive = set(item.objects.filter(pk__in={i for i, _ in marked}).values_list("id", flat=True))
    yield from (pair for pair in marked if pair[0] in alive)
    settled = item.objects.filter(final_reviewer__isnull=False)
    yield from settled.values_list("id", "final_reviewer_id").iterator()


def backfill(apps, schema_editor):
    reviewer = apps.get_model("labeling", "ItemReviewer")
    pairs = sorted(set(_pairs(apps)))
    for start in range(0, len(pairs), BATCH):
        reviewer.objects.bulk_create(
            [reviewer(item_id=i, user_id=u) for i, u in pairs[start : start + BATCH]],
            ignore_conflicts=True,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0001_initial"),
        ("labeling", "0008_item_reviewer"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
