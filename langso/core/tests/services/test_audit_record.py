"""The one audit trail: who changed what, when, old → new."""

from __future__ import annotations

import pytest

from langso.core.models import AuditEntry
from langso.core.selectors import audit_history
from langso.core.services import audit_record, model_snapshot
from langso.places.testing import make_province

pytestmark = pytest.mark.django_db


def test_an_update_records_only_the_fields_that_changed() -> None:
    """Old and new values of changed fields are kept; an update changing nothing is not
    recorded."""
    unit = make_province(code="37", name="Tỉnh Ninh Bình")
    fields = ["name", "region", "parent"]
    before = model_snapshot(unit, fields)
    unit.name = "Tỉnh Ninh Bình mới"
    after = model_snapshot(unit, fields)

    entry = audit_record(actor=None, instance=unit, action="update", before=before, after=after)
    same = audit_record(actor=None, instance=unit, action="update", before=after, after=after)

    assert entry is not None
    assert entry.changes == {"name": ["Tỉnh Ninh Bình", "Tỉnh Ninh Bình mới"]}
    assert same is None
    assert list(audit_history(instance=unit)) == [entry]
    assert AuditEntry.objects.count() == 1


def test_foreign_keys_are_recorded_by_id() -> None:
    """A snapshot holds JSON-safe values: foreign keys by id, dates as text."""
    unit = make_province(code="37", name="Tỉnh Ninh Bình")
    snapshot = model_snapshot(unit, ["province", "valid_from", "centroid"])
    assert snapshot == {"province": unit.pk, "valid_from": "2025-07-01", "centroid": None}
