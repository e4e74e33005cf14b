import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """An instance id is unique per form, as ODK keys it, no longer across all forms."""

    dependencies = [
        ("surveys", "0004_submission_form"),
    ]

    operations = [
        migrations.AlterField(
            model_name="submission",
            name="form",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="surveys.surveyform",
            ),
        ),
        migrations.AlterField(
            model_name="submission",
            name="instance_id",
            field=models.CharField(max_length=100),
        ),
        migrations.AddConstraint(
            model_name="submission",
            constraint=models.UniqueConstraint(
                fields=("form", "instance_id"), name="submission_instance_per_form"
            ),
        ),
    ]
