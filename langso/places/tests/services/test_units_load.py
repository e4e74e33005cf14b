"""Loading the national lists of administrative units with the 2025 lineage."""

from __future__ import annotations

import datetime as dt

import pytest
import vietnam_provinces

from langso.core.text import normalize_name
from langso.places.models import AdminUnit, CommuneGroup, Level, Region, UnitLineage, UnitSource
from langso.places.services.units import UnitLoadReport, units_load
from langso.places.unit_sources import read_vietnamadminunits

pytestmark = pytest.mark.django_db

BEFORE = dt.date(2025, 1, 1)
AFTER = dt.date(2026, 1, 1)


def _count(level: str, day: dt.date) -> int:
    return AdminUnit.objects.valid_on(day).filter(level=level).count()


def test_counts_before_and_after_the_merger(national_units: UnitLoadReport) -> None:
    """34 provinces and 3,321 communes since 1 July 2025; 63 provinces, their districts
    and communes before."""
    assert _count(Level.PROVINCE, AFTER) == 34
    assert _count(Level.COMMUNE, AFTER) == 3321
    assert _count(Level.DISTRICT, AFTER) == 0
    assert _count(Level.PROVINCE, BEFORE) == 63
    assert _count(Level.DISTRICT, BEFORE) == 696
    assert _count(Level.COMMUNE, BEFORE) == 10035


def test_the_source_and_its_version_are_recorded(national_units: UnitLoadReport) -> None:
    """Each loaded unit points at the package and version it came from."""
    source = UnitSource.objects.get(name="vietnamadminunits")
    assert source.version == national_units.version
    assert source.counts["commune"] == 3321 + 10035
    assert not AdminUnit.objects.filter(level=Level.COMMUNE, source__isnull=True).exists()


def test_loading_again_changes_nothing(national_units: UnitLoadReport) -> None:
    """A second load creates and updates nothing, and keeps what a province officer set."""
    commune = AdminUnit.objects.current().get(level=Level.COMMUNE, code="00097")
    commune.commune_group = CommuneGroup.NHOM_1
    commune.save()
    before = AdminUnit.objects.get(pk=commune.pk).updated_at

    report = units_load(source=read_vietnamadminunits())

    assert not report.changed
    assert report.unchanged == 63 + 696 + 10035 + 34 + 3321
    assert report.lineage_unchanged == UnitLineage.objects.count()
    commune.refresh_from_db()
    assert commune.commune_group == CommuneGroup.NHOM_1
    assert commune.updated_at == before


def test_every_unit_carries_its_ancestors(national_units: UnitLoadReport) -> None:
    """Every unit names its province, and itself at its own level: subtrees are one
    equality."""
    assert not AdminUnit.objects.filter(province__isnull=True).exists()
    assert not AdminUnit.objects.filter(level=Level.COMMUNE, commune__isnull=True).exists()
    assert not AdminUnit.objects.filter(level=Level.DISTRICT, district__isnull=True).exists()
    ninh_binh = AdminUnit.objects.current().get(level=Level.PROVINCE, code="37")
    communes = AdminUnit.objects.within(ninh_binh).filter(level=Level.COMMUNE)
    assert communes.count() == AdminUnit.objects.filter(parent=ninh_binh).count() > 100


def test_a_merged_commune_lists_its_predecessors(national_units: UnitLoadReport) -> None:
    """Phường Ba Đình (Hà Nội) was formed from whole wards of the old Ba Đình district."""
    ba_dinh = AdminUnit.objects.current().get(level=Level.COMMUNE, code="00004")
    assert ba_dinh.name == "Phường Ba Đình"
    links = UnitLineage.objects.filter(successor=ba_dinh).select_related("predecessor__parent")
    assert links.count() >= 2
    assert {link.predecessor.parent.short_name for link in links if link.predecessor.parent} >= {
        "Ba Đình"
    }
    assert all(link.predecessor.valid_to == dt.date(2025, 6, 30) for link in links)


def test_a_split_commune_has_several_successors_one_default(
    national_units: UnitLoadReport,
) -> None:
    """A commune divided between new communes has part-links, exactly one the default, and
    no invented share."""
    split = (
        UnitLineage.objects.filter(kind=UnitLineage.Kind.PART)
        .values_list("predecessor", flat=True)
        .first()
    )
    links = UnitLineage.objects.filter(predecessor=split)
    assert links.count() >= 2
    assert links.filter(is_default=True).count() == 1
    assert not links.exclude(share=None).exists()


def test_legacy_provinces_carry_their_region(national_units: UnitLoadReport) -> None:
    """Each of the 63 old provinces is in one of the 7 regions of the 2021-2025 criteria."""
    legacy = AdminUnit.objects.valid_on(BEFORE).filter(level=Level.PROVINCE)
    assert not legacy.filter(region="").exists()
    assert set(legacy.values_list("region", flat=True)) == set(Region.values)
    assert legacy.get(code="11").region == Region.TDMNPB  # Điện Biên
    assert legacy.get(code="94").region == Region.DBSCL  # Sóc Trăng


def test_island_districts_without_communes_lead_to_special_zones(
    national_units: UnitLoadReport,
) -> None:
    """Côn Đảo had no communes: the district itself became the special zone (đặc khu)."""
    con_dao = AdminUnit.objects.get(level=Level.DISTRICT, short_name="Côn Đảo")
    successor = UnitLineage.objects.get(predecessor=con_dao).successor
    assert successor.kind == "dac_khu"


def test_names_agree_with_a_second_register(national_units: UnitLoadReport) -> None:
    """Every current commune is named the same in the `vietnam-provinces` package once
    tone placement, apostrophes and dashes are normalised."""
    ours = {
        (u.parent.code if u.parent else "", normalize_name(u.name))
        for u in AdminUnit.objects.current().filter(level=Level.COMMUNE).select_related("parent")
    }
    theirs = {
        (f"{int(w.province_code):02d}", normalize_name(w.name))
        for w in vietnam_provinces.Ward.iter_all()
    }
    assert ours == theirs
    # That register drops "Tỉnh" but keeps "Thành phố"; compare the names proper.
    provinces = {
        normalize_name(u.short_name)
        for u in AdminUnit.objects.current().filter(level=Level.PROVINCE)
    }
    assert provinces == {
        normalize_name(p.name).removeprefix("thành phố ")
        for p in vietnam_provinces.Province.iter_all()
    }
