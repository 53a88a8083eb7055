"""SQL the active-learning orderings sort by (labeling.prelabel.active hands it to the policies).

Tables are quoted; the project and version are parameters.
"""

from __future__ import annotations

from labeling.db.executor import table
from labeling.models import Item, Prediction, Project


def margin_sql(project: Project, version: str) -> tuple[str, tuple[object, ...]]:
    """SQL for the item's smallest margin under `version` (NULL without one), to order by."""
    sql = (
        f"(SELECT MIN(p.margin) FROM {table(Prediction)} p"  # noqa: S608 - quoted tables, values bound
        f" WHERE p.item_id = {table(Item)}.id AND p.project_id = %s AND p.model_version = %s)"
    )
    return sql, (project.pk, version)
