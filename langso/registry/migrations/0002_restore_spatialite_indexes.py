from django.db import migrations

from langso.core.spatialite import restore_spatial_indexes


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_registries")]

    operations = [
        migrations.RunPython(restore_spatial_indexes("registry"), migrations.RunPython.noop),
    ]
