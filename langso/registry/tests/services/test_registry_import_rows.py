"""registry_import_rows for cooperatives, products, vessels, farms, tourism sites, wifi
points and cameras: the same all-or-nothing checks, keyed by code or registration number,
with each registry's own rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from langso.core.errors import ImportRejected
from langso.core.models import AuditEntry
from langso.registry.models import (
    AquacultureFarm,
    Cooperative,
    FishingVessel,
    Product,
    PublicWifiPoint,
    SecurityCamera,
    TourismSite,
)
from langso.registry.services.imports import (
    household_import_rows,
    registry_import_rows,
)
from langso.registry.testing import RegistryTree, RegistryUsers, import_row, row


def test_cooperatives_get_codes_and_update_by_code(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    """A cooperative without a code gets "<commune>-HTX0001"; importing its code again
    updates it, with its search name and an audit entry per change."""
    report = import_row(
        "cooperative",
        actor=users.officer_a,
        unit=tree.a1.code,
        name="HTX Nông nghiệp Đồng Tâm",
        members="1.250",
        founded_on="05/01/2018",
        status="dang hoat dong",
        phone="912345678",
    )
    assert report.created == 1
    cooperative = Cooperative.objects.get()
    assert cooperative.code == f"{tree.a.code}-HTX0001"
    assert (cooperative.members, cooperative.founded_on) == (1250, dt.date(2018, 1, 5))
    assert cooperative.phone == "0912345678"
    assert cooperative.search_name == "htx nong nghiep dong tam"
    assert (cooperative.commune, cooperative.village) == (tree.a, tree.a1)
    import_row(
        "cooperative",
        actor=users.officer_a,
        code=cooperative.code.lower(),
        unit=tree.a1.code,
        name="HTX Đồng Tâm",
    )
    cooperative.refresh_from_db()
    assert (cooperative.name, cooperative.village) == ("HTX Đồng Tâm", tree.a1)
    assert Cooperative.objects.count() == 1
    update = AuditEntry.objects.get(action=AuditEntry.Action.UPDATE)
    assert update.changes == {"name": ["HTX Nông nghiệp Đồng Tâm", "HTX Đồng Tâm"]}


def test_products_stand_where_their_maker_is(tree: RegistryTree, users: RegistryUsers) -> None:
    """A product without a unit takes its cooperative's place and point; OCOP stars need
    their year; the price reads "25.000" as twenty-five thousand đồng."""
    import_row(
        "cooperative",
        actor=users.officer_a,
        code="HTX-1",
        unit=tree.a2.code,
        name="HTX",
        lat="20.25",
        lon="105.95",
    )
    import_row(
        "product",
        actor=users.officer_a,
        name="Gạo nếp cái hoa vàng",
        category="Thực phẩm",
        cooperative="htx-1",
        ocop_stars="4",
        ocop_year="2023",
        price="25.000",
        price_unit="kg",
    )
    product = Product.objects.get()
    assert (product.village, product.price) == (tree.a2, Decimal(25000))
    assert product.location is not None
    assert (round(product.location.x, 6), round(product.location.y, 6)) == (105.95, 20.25)
    with pytest.raises(ImportRejected) as rejected:
        import_row(
            "product",
            actor=users.officer_a,
            name="Mật ong",
            category="food",
            cooperative="HTX-1",
            ocop_stars="3",
        )
    assert [(e.row, e.column) for e in rejected.value.errors] == [(2, "Năm công nhận OCOP")]


def test_a_maker_outside_the_scope_reads_as_unknown(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    household_import_rows(
        actor=users.officer_b, rows=[row(address_code="VN-B", village=tree.b1.code)]
    )
    with pytest.raises(ImportRejected) as rejected:
        import_row("product", actor=users.officer_a, name="Bánh", category="food", household="VN-B")
    assert [(e.column, e.reason) for e in rejected.value.errors] == [
        ("Mã địa chỉ hộ", "không có hộ gia đình mã “VN-B” trong phạm vi của bạn")
    ]
    assert not Product.objects.exists()


def test_vessels_need_a_registration_number_of_the_right_form(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    household_import_rows(
        actor=users.officer_a, rows=[row(address_code="VN-1", village=tree.a1.code)]
    )
    rows = [
        row(
            "vessel",
            registration_number="nb-90123-ts",
            unit=tree.a.code,
            length_m="14,5",
            engine_kw="90",
            owner="VN-1",
            licence_expires_on="2027-03-31",
        ),
        row("vessel", registration_number="", unit=tree.a.code, name="Không số"),
        row("vessel", registration_number="90123", unit=tree.a.code),
        row("vessel", registration_number="NB-90124-TS", unit=tree.a.code, length_m="-2"),
    ]
    with pytest.raises(ImportRejected) as rejected:
        registry_import_rows(registry="vessel", actor=users.officer_a, rows=rows)
    assert [(e.row, e.column) for e in rejected.value.errors] == [
        (3, "Số đăng ký"),
        (4, "Số đăng ký"),
        (5, "Chiều dài (m)"),
    ]
    registry_import_rows(registry="vessel", actor=users.officer_a, rows=rows[:1])
    vessel = FishingVessel.objects.get()
    assert vessel.registration_number == "NB-90123-TS"
    assert (vessel.length_m, vessel.owner.address_code if vessel.owner else None) == (
        Decimal("14.50"),
        "VN-1",
    )
    assert vessel.licence_expires_on == dt.date(2027, 3, 31)


def test_farms_sites_wifi_points_and_cameras_import(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    household_import_rows(
        actor=users.officer_a, rows=[row(address_code="VN-1", village=tree.a1.code)]
    )
    import_row(
        "farm",
        actor=users.officer_a,
        household="VN-1",
        area_ha="1,25",
        species="Tôm thẻ",
        farming_type="ao, dam",
    )
    import_row(
        "tourism-site",
        actor=users.officer_a,
        unit=tree.a1.code,
        name="Nhà cổ",
        kind="Di tích, văn hóa, lịch sử",
        website="https://nhaco.vn",
    )
    import_row(
        "wifi-point",
        actor=users.officer_a,
        unit=tree.a1.code,
        place="Nhà văn hóa thôn",
        is_working="không",
    )
    import_row("camera", actor=users.officer_a, unit=tree.a.code, place="Cổng làng")
    farm = AquacultureFarm.objects.get()
    assert (farm.code, farm.village, farm.area_ha, farm.farming_type) == (
        f"{tree.a.code}-NT0001",
        tree.a1,
        Decimal("1.250"),
        AquacultureFarm.FarmingType.POND,
    )
    assert TourismSite.objects.get().kind == TourismSite.Kind.HERITAGE
    assert PublicWifiPoint.objects.get().is_working is False
    camera = SecurityCamera.objects.get()
    assert (camera.is_working, camera.purpose, camera.village) == (
        True,
        SecurityCamera.Purpose.SECURITY,
        None,
    )
