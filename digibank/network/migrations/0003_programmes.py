from django.db import migrations


def load(apps, schema_editor):
    from digibank.network.programme_seed import load_programmes

    load_programmes(apps.get_model("network", "Programme"), apps.get_model("network", "Spearhead"))


class Migration(migrations.Migration):
    dependencies = [("network", "0002_reference_data")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
