import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Where a submission that names no existing household was made (village, commune,
    province), so that it is scoped like everything else. Submissions received before
    stay unplaced: they are seen by their collector and by whoever covers the form's
    unit."""

    dependencies = [
        ("places", "0002_restore_spatialite_indexes"),
        ("surveys", "0002_submission_review_teams_visits"),
    ]

    operations = [
        migrations.AddField(
            model_name="submission",
            name="province",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="places.adminunit",
            ),
        ),
        migrations.AddField(
            model_name="submission",
            name="commune",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="places.adminunit",
            ),
        ),
        migrations.AddField(
            model_name="submission",
            name="village",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="places.adminunit",
            ),
        ),
    ]
