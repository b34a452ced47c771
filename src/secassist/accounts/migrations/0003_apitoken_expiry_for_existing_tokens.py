"""Tokens created before expiry existed get the default lifetime, counted from today: an old token
stops working 90 days after the upgrade instead of at once (which would break running scripts)."""

import datetime as dt

from django.db import migrations
from django.utils import timezone


def give_existing_tokens_an_expiry(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    ApiToken.objects.filter(expires_at__isnull=True).update(expires_at=timezone.now() + dt.timedelta(days=90))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_apitoken_expires_at")]

    operations = [migrations.RunPython(give_existing_tokens_an_expiry, migrations.RunPython.noop)]
