"""Migrations are part of the code."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from langso.core.testing import manage, scratch_database


@pytest.mark.django_db
def test_models_and_migrations_agree() -> None:
    """No model change is left without its migration (the suite itself runs without
    migrations, for speed; `serve.sh`, the benchmarks and production run them)."""
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


# Run by `manage.py shell` on an empty database: migrate each app to just before its data
# migrations, store rows as they were then (with the models of that state), migrate to the
# latest, and print what the data migrations made of the rows.
MIGRATE_WITH_OLD_ROWS = """
import json
from django.contrib.gis.geos import Point
from django.core.management import call_command
from django.db import connection
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("registry", "0002_restore_spatialite_indexes"),  # 0003: search names, map cells
    ("surveys", "0001_surveys"),  # 0004: each submission's form; 0008: the XLSForm's name
    ("criteria", "0001_initial"),  # 0002: each evidence file's name
]
for app, migration in BEFORE:
    call_command("migrate", app, migration, verbosity=0)
old = MigrationExecutor(connection).loader.project_state(BEFORE).apps

unit = old.get_model("places", "AdminUnit").objects.create
province = unit(level="province", kind="tinh", code="37", name="Tỉnh Ninh Bình")
commune = unit(level="commune", kind="xa", code="14308", name="Xã Gia Viễn", parent=province,
               province=province)
home, next_door = (
    unit(level="village", kind="thon", code=code, name=name, parent=commune,
         province=province, commune=commune)
    for code, name in (("14308-01", "Thôn Đông"), ("14308-02", "Thôn Đoài"))
)
household = old.get_model("registry", "Household").objects.create
households = {
    code: household(address_code=code, province=province, commune=commune, **values).pk
    for code, values in {
        "HO-1": dict(village=home, head_name="Nguyễn  Văn An", adults=3, adults_smartphone=1,
                     location=Point(105.95, 20.25, srid=4326)),
        "HO-2": dict(village=home, head_name="Đặng Thị Đào", adults=2, adults_smartphone=2,
                     location=Point(105.95, 20.25, srid=4326)),
        "HO-3": dict(village=next_door, head_name="Lò Văn Ánh",
                     location=Point(106.2, 20.6, srid=4326)),
        "HO-4": dict(village=next_door, head_name="B'Lao Thị Hoà"),
    }.items()
}

user = old.get_model("accounts", "User").objects.create(username="canbo.xa")
form = old.get_model("surveys", "SurveyForm").objects.create(
    xml_form_id="khao_sat_ho", title="Khảo sát hộ")
version = old.get_model("surveys", "FormVersion").objects.create(
    form=form, version="1", title="Khảo sát hộ", xform="<h:html/>", xform_hash="0" * 40,
    xlsform="surveys/xlsforms/khao_sat_ho/Khảo sát hộ gia đình.xlsx")
old.get_model("surveys", "Submission").objects.create(
    instance_id="uuid:1", xml="<data/>", version=version, collector=user)
assessment = old.get_model("criteria", "Assessment").objects.create(
    set_code="xa_ntm_2026_2030", indicator_code="17.1", year=2026, verdict="pass",
    entered_by=user, province=province, unit=commune)
old.get_model("criteria", "AssessmentEvidence").objects.create(
    assessment=assessment, file="evidence/criteria/2026/Biên bản kiểm tra.pdf")

call_command("migrate", verbosity=0)
executor = MigrationExecutor(connection)
new = executor.loader.project_state().apps
cells = new.get_model("registry", "HouseholdMapCell").objects.order_by("first_id")
print(json.dumps({
    "vendor": connection.vendor,
    "pending": [str(m) for m, _ in executor.migration_plan(executor.loader.graph.leaf_nodes())],
    "households": households,
    "villages": {"home": home.pk, "next_door": next_door.pk},
    "search": dict(new.get_model("registry", "Household").objects.values_list(
        "address_code", "head_name_search")),
    "cells": list(cells.values(
        "village_id", "status", "cell_x", "cell_y", "households", "sum_lon", "sum_lat",
        "first_id", "gap_smartphone", "gap_smartphone_first_id", "gap_unknown",
        "gap_unknown_first_id")),
    "form": form.pk,
    "submission_forms": list(new.get_model("surveys", "Submission").objects.values_list(
        "form_id", flat=True)),
    "xlsform_name": new.get_model("surveys", "FormVersion").objects.get().xlsform_name,
    "evidence_name": new.get_model("criteria", "AssessmentEvidence").objects.get().name,
}))
"""


def _tile(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    """The Web Mercator tile holding a point (the OpenStreetMap formula)."""
    n = 2**zoom
    phi = math.radians(lat)
    return (
        math.floor((lon + 180) / 360 * n),
        math.floor((1 - math.log(math.tan(phi) + 1 / math.cos(phi)) / math.pi) / 2 * n),
    )


def test_migrations_run_from_empty_to_latest_and_fill_what_they_add(tmp_path: Path) -> None:
    """The real migration files, run on an empty database of the suite's kind (SpatiaLite,
    or PostGIS): rows stored before the data migrations come out with what those add —
    households their diacritic-free search names and map cells (16th-zoom tiles, with
    their counts and readiness gaps), submissions their form, and stored files the name
    they were uploaded under."""
    with scratch_database("migrations", tmp_path) as database_url:
        env = {"DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": database_url}
        output = manage(env, "shell", "-c", MIGRATE_WITH_OLD_ROWS)
    found: dict[str, Any] = json.loads(output.strip().splitlines()[-1])

    assert found["vendor"] == connection.vendor
    assert found["pending"] == []
    assert found["search"] == {
        "HO-1": "nguyen van an",
        "HO-2": "dang thi dao",
        "HO-3": "lo van anh",
        "HO-4": "blao thi hoa",
    }
    households, villages = found["households"], found["villages"]
    home_x, home_y = _tile(105.95, 20.25, 16)
    next_x, next_y = _tile(106.2, 20.6, 16)
    # HO-4 has no location, so no cell; HO-3's adults are not known: a gap of its own.
    assert found["cells"] == [
        {
            "village_id": villages["home"],
            "status": "active",
            "cell_x": home_x,
            "cell_y": home_y,
            "households": 2,
            "sum_lon": pytest.approx(2 * 105.95),
            "sum_lat": pytest.approx(2 * 20.25),
            "first_id": households["HO-1"],
            "gap_smartphone": 1,
            "gap_smartphone_first_id": households["HO-1"],
            "gap_unknown": 0,
            "gap_unknown_first_id": None,
        },
        {
            "village_id": villages["next_door"],
            "status": "active",
            "cell_x": next_x,
            "cell_y": next_y,
            "households": 1,
            "sum_lon": pytest.approx(106.2),
            "sum_lat": pytest.approx(20.6),
            "first_id": households["HO-3"],
            "gap_smartphone": 0,
            "gap_smartphone_first_id": None,
            "gap_unknown": 1,
            "gap_unknown_first_id": households["HO-3"],
        },
    ]
    assert found["submission_forms"] == [found["form"]]
    assert found["xlsform_name"] == "Khảo sát hộ gia đình.xlsx"
    assert found["evidence_name"] == "Biên bản kiểm tra.pdf"
