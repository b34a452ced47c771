from django.db import migrations


def count_existing(apps, schema_editor):
    head = apps.get_model("audit", "AuditChainHead")
    event = apps.get_model("audit", "AuditEvent")
    head.objects.filter(pk=1).update(event_count=event.objects.count())


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_chain_head_event_count")]

    operations = [migrations.RunPython(count_existing, migrations.RunPython.noop)]
