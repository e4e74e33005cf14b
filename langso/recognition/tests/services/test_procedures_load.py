"""Loading the shipped procedures: a version per procedure, none when nothing changed,
the next when its entry changed; `manage.py load_procedures` says what it did."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from langso.core.models import AuditEntry
from langso.criteria.models import FactStatus, Origin
from langso.recognition.models import Procedure
from langso.recognition.selectors.procedures import procedure_in_force, procedure_spec
from langso.recognition.services.procedures import SHIPPED, procedures_load
from langso.registry.testing import RegistryTree

pytestmark = pytest.mark.django_db

CODES = {"cong_nhan_xa_18_2022", "cong_nhan_xa_2026_2030", "cong_nhan_thon_thong_minh"}


def test_the_shipped_procedures_load_as_national_versions(
    procedures: None, tree: RegistryTree
) -> None:
    stored = {p.code: p for p in Procedure.objects.all()}
    assert set(stored) == CODES
    commune = stored["cong_nhan_xa_18_2022"]
    assert (commune.version, commune.province, commune.origin) == (1, None, Origin.SHIPPED)
    assert commune.status == FactStatus.INFERRED
    assert {"id": "s18-art5-tvpl", "url": commune.spec["sources"]["s18-art5-tvpl"]} in (
        commune.sources
    )
    # The stored spec reads back whole: its sources travel with it.
    spec = procedure_spec(commune)
    assert spec.step("consultation").public_days == 15
    assert spec.source_texts["s18-art5-tvpl"].startswith("https://")
    assert procedure_in_force(set_code="xa_ntm_2026_2030", unit=tree.a).code == (
        "cong_nhan_xa_2026_2030"
    )
    assert procedure_in_force(set_code="thon_thong_minh", unit=tree.a1).code == (
        "cong_nhan_thon_thong_minh"
    )
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CREATE).count() >= len(CODES)


def test_loading_twice_adds_nothing(procedures: None) -> None:
    report = procedures_load()
    assert report.added == []
    assert set(report.unchanged) == CODES
    assert Procedure.objects.count() == len(CODES)


def test_a_changed_entry_adds_the_next_version_of_that_procedure_only(
    procedures: None, tmp_path: Path
) -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    changed = text.replace("deadline_working_days: 15", "deadline_working_days: 20", 1)
    assert changed != text
    path = tmp_path / "procedure.yaml"
    path.write_text(changed, encoding="utf-8")
    report = procedures_load(path=path)
    # Both commune procedures share the steps written once (a YAML anchor).
    assert {p.code for p in report.added} == {"cong_nhan_xa_18_2022", "cong_nhan_xa_2026_2030"}
    assert report.unchanged == ["cong_nhan_thon_thong_minh"]
    latest = Procedure.objects.get(code="cong_nhan_xa_18_2022", version=2)
    assert procedure_spec(latest).step("appraisal").deadline_working_days == 20
    first = Procedure.objects.get(code="cong_nhan_xa_18_2022", version=1)
    assert procedure_spec(first).step("appraisal").deadline_working_days == 15


def test_the_command_loads_and_says_what_it_did(catalogue: None) -> None:
    out = StringIO()
    call_command("load_procedures", stdout=out)
    assert "3 phiên bản mới (cong_nhan_xa_18_2022 v1" in out.getvalue()
    out = StringIO()
    call_command("load_procedures", stdout=out)
    assert "0 phiên bản mới (—), 3 không đổi." in out.getvalue()


def test_the_command_names_each_bad_line_of_a_file(catalogue: None, tmp_path: Path) -> None:
    path = tmp_path / "procedure.yaml"
    path.write_text(
        SHIPPED.read_text(encoding="utf-8").replace("actor: province_leader", "actor: vua", 1),
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="vai trò “vua” không có"):
        call_command("load_procedures", "--file", str(path), stdout=StringIO())
    assert not Procedure.objects.exists()
