"""Fill `Household.last_visited_on` from the visits logged before it existed. Batched by
household id and rerunnable: each batch sets the newest visit's day again."""

from typing import Any

from django.db import migrations
from django.db.models import Max, OuterRef, Subquery

BATCH = 5000


def backfill(apps: Any, schema_editor: Any) -> None:
    household_model = apps.get_model("registry", "Household")
    visit_model = apps.get_model("surveys", "Visit")
    newest = (
        visit_model.objects.filter(household=OuterRef("pk"))
        .order_by()
        .values("household")
        .annotate(day=Max("visited_on"))
        .values("day")
    )
    visited = visit_model.objects.order_by().values_list("household_id", flat=True).distinct()
    ids = sorted(set(visited))
    for start in range(0, len(ids), BATCH):
        household_model.objects.filter(pk__in=ids[start : start + BATCH]).update(
            last_visited_on=Subquery(newest)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0005_household_last_visited_on"),
        ("surveys", "0008_files_random_names_and_xlsform_name"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
