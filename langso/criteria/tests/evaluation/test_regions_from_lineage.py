"""A 2025 commune's region, where the province has not classified it, is that of its
predecessors: new Lâm Đồng spans the Central Highlands (old Lâm Đồng, Đắk Nông) and
the south-central coast (old Bình Thuận), on the real 2025 lists."""

from __future__ import annotations

from decimal import Decimal

import pytest

from langso.criteria.catalogue import catalogue_yaml_read
from langso.criteria.evaluation.engine import evaluate
from langso.criteria.services import criteria_sets_save
from langso.places.models import AdminUnit, Level
from langso.places.services.units import UnitLoadReport

pytestmark = pytest.mark.django_db

REGION_SET = """\
- code: xa_so_vung
  name_vi: "Xã số (ngưỡng theo vùng)"
  level: commune
  years: [2025]
  varies_by: region
  criteria:
    - code: "1"
      name_vi: "Điện thoại thông minh"
      indicators:
        - {code: "1.1", name_vi: "Hộ có điện thoại thông minh", kind: computed,
           indicator: households-smartphone, comparator: gte,
           threshold: {DHNTB: 70, TN: 50}}
"""


def test_a_current_commune_takes_its_predecessors_region(
    national_units: UnitLoadReport, definitions: None
) -> None:
    raw_sets, sources = catalogue_yaml_read(REGION_SET)
    criteria_sets_save(actor=None, raw_sets=raw_sets, sources=sources)
    mui_ne = AdminUnit.objects.current().get(level=Level.COMMUNE, code="22918")
    gia_nghia = AdminUnit.objects.current().get(level=Level.COMMUNE, code="24611")
    assert mui_ne.province_id == gia_nghia.province_id  # both in today's Lâm Đồng
    coast, highlands = evaluate(code="xa_so_vung", units=[mui_ne, gia_nghia], year=2025)
    assert (coast.threshold_key, coast.results()[0].threshold) == ("DHNTB", Decimal(70))
    assert (highlands.threshold_key, highlands.results()[0].threshold) == ("TN", Decimal(50))
    assert coast.threshold_reason == "vùng của các xã trước sáp nhập"
