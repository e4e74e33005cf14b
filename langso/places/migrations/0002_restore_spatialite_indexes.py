from django.db import migrations

from langso.core.spatialite import restore_spatial_indexes


class Migration(migrations.Migration):
    dependencies = [("places", "0001_admin_units_and_lineage")]

    operations = [
        migrations.RunPython(restore_spatial_indexes("places"), migrations.RunPython.noop),
    ]
