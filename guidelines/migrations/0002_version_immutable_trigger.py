"""A database trigger that refuses UPDATEs of a published version's content columns.

Only the content is guarded, so deleting an author (author_id SET NULL) still works.
"""

from django.db import migrations

TABLE = "guidelines_guidelineversion"
COLUMNS = "project_id, number, markdown, changelog, published_at, example_item_ids, examples"
MESSAGE = "published guideline versions are immutable"

SQLITE_CREATE = f"""
CREATE TRIGGER guideline_version_immutable BEFORE UPDATE OF {COLUMNS} ON {TABLE}
BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
"""
SQLITE_DROP = "DROP TRIGGER IF EXISTS guideline_version_immutable;"

POSTGRES_CREATE = f"""
CREATE OR REPLACE FUNCTION guideline_version_immutable() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION '{MESSAGE}'; END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER guideline_version_immutable BEFORE UPDATE OF {COLUMNS} ON {TABLE}
FOR EACH ROW EXECUTE FUNCTION guideline_version_immutable();
"""
POSTGRES_DROP = f"""
DROP TRIGGER IF EXISTS guideline_version_immutable ON {TABLE};
DROP FUNCTION IF EXISTS guideline_version_immutable();
"""


def create_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_CREATE)


def drop_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_DROP)


class Migration(migrations.Migration):
    dependencies = [("guidelines", "0001_initial")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
