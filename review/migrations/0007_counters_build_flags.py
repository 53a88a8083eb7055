"""Build the live-flag counters (review.ProjectFlagCount) of the projects made before them.

Live flags (open or in review) per reason and status, in shard 0 (see review.services.flag_counts).
"""

from django.db import migrations
from django.db.models import Count


def build(apps, schema_editor):
    Flag = apps.get_model("review", "Flag")
    ProjectFlagCount = apps.get_model("review", "ProjectFlagCount")
    rows = (
        Flag.objects.filter(status__in=("open", "in_review"))
        .values("project_id", "reason", "status").annotate(n=Count("id")).order_by()
    )
    ProjectFlagCount.objects.all().delete()
    ProjectFlagCount.objects.bulk_create(
        [
            ProjectFlagCount(project_id=row["project_id"], shard=0, reason=row["reason"], status=row["status"], n=row["n"])
            for row in rows
        ],
        batch_size=1000,
    )


def unbuild(apps, schema_editor):
    apps.get_model("review", "ProjectFlagCount").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("review", "0006_counters_project_flag_count")]

    operations = [migrations.RunPython(build, unbuild)]
