"""Existing DRF tokens become ApiTokens with the same key, so scripts keep working."""

import hashlib

from django.db import migrations


def copy_keys(apps, schema_editor):
    token_model = apps.get_model("authtoken", "Token")
    api_token_model = apps.get_model("labeling", "ApiToken")
    api_token_model.objects.bulk_create(
        api_token_model(
            user_id=token.user_id,
            name="Token from before named tokens",
            key_hash=hashlib.sha256(token.key.encode()).hexdigest(),
            prefix=token.key[:8],
        )
        for token in token_model.objects.all()
    )


class Migration(migrations.Migration):

    dependencies = [
        ("labeling", "0011_invite"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]

    operations = [migrations.RunPython(copy_keys, migrations.RunPython.noop)]
