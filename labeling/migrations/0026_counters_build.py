"""Build the project counters (labeling.ProjectCount) of the projects made before them.

The same keys as labeling.services.counts (not imported: a migration uses the models of its
own point in history): "i:<settled>:<target or 0>:<annotations>" items, "d:<UTC day>"
annotations. Runs once per project, in shard 0.
"""

from django.db import migrations
from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.db.models.functions import TruncDate
from datetime import UTC


def _counts(Item, Annotation, project_id):
    settled = ExpressionWrapper(Q(final_value__isnull=False), output_field=BooleanField())
    found = {}
    states = (
        Item.objects.filter(project_id=project_id).annotate(settled=settled)
        .values("settled", "target_overlap", "annotation_count").annotate(n=Count("id")).order_by()
    )
    for row in states:
        key = f"i:{int(bool(row['settled']))}:{row['target_overlap'] or 0}:{row['annotation_count']}"
        found[key] = found.get(key, 0) + row["n"]
    days = (
        Annotation.objects.filter(project_id=project_id)
        .annotate(day=TruncDate("created_at", tzinfo=UTC))
        .values("day").annotate(n=Count("id")).order_by()
    )
    for row in days:
        key = f"d:{row['day'].isoformat()}"
        found[key] = found.get(key, 0) + row["n"]
    return found


def build(apps, schema_editor):
    Project = apps.get_model("labeling", "Project")
    Item = apps.get_model("labeling", "Item")
    Annotation = apps.get_model("labeling", "Annotation")
    ProjectCount = apps.get_model("labeling", "ProjectCount")
    for project_id in Project.objects.values_list("pk", flat=True).iterator():
        found = _counts(Item, Annotation, project_id)
        ProjectCount.objects.filter(project_id=project_id).delete()
        ProjectCount.objects.bulk_create(
            [ProjectCount(project_id=project_id, shard=0, key=key, n=n) for key, n in found.items()]
        )


def unbuild(apps, schema_editor):
    apps.get_model("labeling", "ProjectCount").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("labeling", "0025_counters_project_count")]

    operations = [migrations.RunPython(build, unbuild)]
