import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

BATCH = 5000


def fill_form(apps, schema_editor):
    """Each submission's form, from its version, in batches; rerunnable (it fills only
    what is still empty)."""
    Submission = apps.get_model("surveys", "Submission")
    FormVersion = apps.get_model("surveys", "FormVersion")
    form_of_version = Subquery(
        FormVersion.objects.filter(pk=OuterRef("version_id")).values("form_id")[:1]
    )
    while batch := list(
        Submission.objects.filter(form__isnull=True).values_list("pk", flat=True)[:BATCH]
    ):
        Submission.objects.filter(pk__in=batch).update(form_id=form_of_version)


class Migration(migrations.Migration):
    """The form on each submission, filled from its version; 0005 then keys instance ids
    per form. Two migrations: PostgreSQL alters no table with the updates' constraint
    checks still pending in the same transaction."""

    dependencies = [
        ("surveys", "0003_submission_place"),
    ]

    operations = [
        migrations.AddField(
            model_name="submission",
            name="form",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="surveys.surveyform",
            ),
        ),
        migrations.RunPython(fill_form, migrations.RunPython.noop),
    ]
