"""The registries' file format: cells read as officers type them, written back so that
they read the same, templates, headers, sizes, and export → import round trips."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from langso.core.errors import DomainError, ImportRejected
from langso.core.tabular import check_size, read_table
from langso.places.testing import make_village
from langso.registry.models import Household
from langso.registry.selectors.exports import registry_export_rows
from langso.registry.services.imports import registry_import_rows
from langso.registry.testing import (
    RegistryTree,
    RegistryUsers,
    csv_upload,
    import_row,
    read,
    reimport_table,
    row,
    transfer,
    xlsx_upload,
)
from langso.registry.transfer import CellError, format_cell, parse_cell, template_bytes, transfers


def _parse(registry: str, field: str, text: str) -> Any:
    return parse_cell(transfer(registry).column(field), text)


@pytest.mark.parametrize(
    ("registry", "field", "text", "value"),
    [
        ("household", "members", "4", 4),
        ("household", "members", "4.0", 4),
        ("cooperative", "members", "1.250", 1250),
        ("cooperative", "members", "1,250", 1250),
        ("vessel", "length_m", "14,5", Decimal("14.50")),
        ("vessel", "length_m", "14.5", Decimal("14.50")),
        ("farm", "area_ha", "1.234,5", Decimal("1234.500")),
        ("product", "price", "25.000", Decimal(25000)),
        ("cooperative", "founded_on", "5/1/2018", dt.date(2018, 1, 5)),
        ("cooperative", "founded_on", "05-01-2018", dt.date(2018, 1, 5)),
        ("cooperative", "founded_on", "2018-01-05", dt.date(2018, 1, 5)),
        ("cooperative", "founded_on", "05/01/2018 00:00", dt.date(2018, 1, 5)),
        ("household", "has_tv", "Có", True),
        ("household", "has_tv", "co", True),
        ("household", "has_tv", "x", True),
        ("household", "has_tv", "KHÔNG", False),
        ("household", "has_tv", "0", False),
        ("household", "broadband", "cap quang", "fibre"),
        ("household", "broadband", "Cáp quang", "fibre"),
        ("household", "broadband", "none", "none"),
        ("household", "mobile_coverage", "4g", "4g"),
        ("household", "head_phone", "912345678", "0912345678"),
        ("household", "head_phone", "+84 912.345.678", "+84912345678"),
        ("household", "address_code", " vn-37 ab ", "VN-37AB"),
        ("household", "village", " 37001 - 01", "37001-01"),
        ("household", "head_name", "  Nguyễn   Văn An ", "Nguyễn Văn An"),
        ("household", "lat", "21,0285", 21.0285),
        ("household", "lon", "105.8541999", 105.8542),
    ],
)
def test_cells_are_read_as_officers_type_them(
    registry: str, field: str, text: str, value: Any
) -> None:
    assert _parse(registry, field, text) == value


@pytest.mark.parametrize(
    ("registry", "field", "text", "reason"),
    [
        ("household", "members", "bốn", "không phải số nguyên"),
        ("household", "members", "4,5", "không phải số nguyên"),
        ("vessel", "length_m", "dài", "không phải số"),
        ("vessel", "length_m", "12345678", "quá lớn"),
        ("cooperative", "founded_on", "31/02/2020", "không có thật"),
        ("cooperative", "founded_on", "tháng 3", "ngày/tháng/năm"),
        ("household", "has_tv", "có lẽ", "“có” hoặc “không”"),
        ("household", "broadband", "vệ tinh", "Cáp quang / Loại khác / Không có"),
        ("household", "head_phone", "123", "số điện thoại không hợp lệ"),
        ("cooperative", "email", "htx@", "không phải địa chỉ thư điện tử"),
        ("household", "lat", "bắc", "không phải số"),
        ("household", "lat", "30", "nằm ngoài lãnh thổ Việt Nam"),
        ("household", "street", "x" * 201, "quá giới hạn 200 ký tự"),
    ],
)
def test_bad_cells_say_why(registry: str, field: str, text: str, reason: str) -> None:
    with pytest.raises(CellError) as error:
        _parse(registry, field, text)
    assert reason in error.value.reason


@pytest.mark.parametrize(
    ("registry", "field", "value"),
    [
        ("household", "members", 4),
        ("household", "has_tv", True),
        ("household", "has_tv", False),
        ("household", "broadband", "fibre"),
        ("household", "status", "moved_away"),
        ("household", "lat", 20.250601),
        ("household", "head_phone", "0912345678"),
        ("vessel", "length_m", Decimal("14.50")),
        ("farm", "area_ha", Decimal("0.125")),
        ("product", "price", Decimal(1250000)),
        ("cooperative", "founded_on", dt.date(2018, 1, 5)),
    ],
)
def test_every_value_is_written_as_it_reads_back(registry: str, field: str, value: Any) -> None:
    column = transfer(registry).column(field)
    assert parse_cell(column, format_cell(column, value)) == value


def test_every_registry_has_a_template_that_reads_back(db: None) -> None:
    """Each template's first sheet has the import's headers and an example row that the
    import reads; a second sheet explains every column."""
    for registry, found in transfers().items():
        workbook = load_workbook(io.BytesIO(template_bytes(found)))
        data, guide = workbook.worksheets
        assert [c.value for c in data[1]] == list(found.headers.values()), registry
        texts = [c.value for r in guide.iter_rows() for c in r if c.value]
        assert all(header in texts for header in found.headers.values())
        table = read(registry, SimpleUploadedFile("mau.xlsx", template_bytes(found)))
        assert len(table) == 1


def test_wrong_or_missing_headers_are_named_at_row_one() -> None:
    """A file of another registry, or without a required column, is refused at row 1
    with the missing columns named."""
    upload = csv_upload("cooperative", [row("cooperative", name="HTX")])
    with pytest.raises(ImportRejected) as rejected:
        read("household", upload)
    assert [(e.row, e.column) for e in rejected.value.errors] == [(1, "Mã thôn")]
    # Headers match without diacritics or case; unknown columns are ignored.
    upload = SimpleUploadedFile("ho.csv", "MÃ THON,so nha,Ghi chú\n37001-01,12,x\n".encode())
    assert read("household", upload)[0]["village"] == "37001-01"


def test_an_oversized_file_is_refused_before_it_is_read() -> None:
    """The declared size decides: the file is never read. A province's households fit in
    256 MB; a file of 300 MB is refused."""

    class Oversized:
        name = "ho.csv"
        size = 300 * 1024 * 1024

        def read(self, *args: object) -> bytes:
            raise AssertionError("an oversized file must not be read")

        def seek(self, *args: object) -> None:
            raise AssertionError("an oversized file must not be touched")

    with pytest.raises(DomainError, match="lớn hơn 256 MB"):
        read("household", Oversized())
    with pytest.raises(DomainError, match="lớn hơn 256 MB"):
        check_size(Oversized(), max_bytes=256 * 1024 * 1024)


def _fill_every_registry(tree: RegistryTree, users: RegistryUsers) -> None:
    actor = users.officer_a
    registry_import_rows(
        actor=actor,
        registry="household",
        rows=[
            row(
                address_code="VN-1",
                village=tree.a1.code,
                house_number="12",
                head_name="Nguyễn Văn An",
                head_phone="0912345678",
                members="4",
                adults="3",
                adults_smartphone="2",
                broadband="Cáp quang",
                has_tv="Có",
                has_radio="Không",
                lat="20.2506",
                lon="105.9745",
            ),
            row(village=tree.a.code, members="2", status="Đã chuyển đi"),
        ],
    )
    # A household merged into one stored before.
    import_row(
        "household",
        actor=actor,
        address_code="VN-3",
        village=tree.a2.code,
        status="Đã gộp vào hộ khác",
        merged_into="VN-1",
    )
    import_row(
        "cooperative",
        actor=actor,
        unit=tree.a1.code,
        name="HTX Đồng Tâm",
        email="htx@dongtam.vn",
        members="25",
        founded_on="05/01/2018",
        lat="20.26",
        lon="105.96",
    )
    cooperative = f"{tree.a.code}-HTX0001"
    rows_by_registry = {
        "product": [
            row(
                "product",
                name="Gạo, “nếp”; cái",
                category="food",
                cooperative=cooperative,
                ocop_stars="4",
                ocop_year="2023",
                price="25.000",
                price_unit="kg",
                description="Dòng 1\nDòng 2",
            ),
            row("product", name="Mật ong", category="food", household="VN-1"),
        ],
        "vessel": [
            row(
                "vessel",
                registration_number="NB-90123-TS",
                unit=tree.a.code,
                length_m="14,5",
                engine_kw="90",
                owner="VN-1",
                licence_expires_on="31/03/2027",
            )
        ],
        "farm": [row("farm", household="VN-1", area_ha="1,25", farming_type="Ao, đầm")],
        "tourism-site": [
            row(
                "tourism-site",
                unit=tree.a1.code,
                name="Nhà cổ",
                kind="eco",
                website="https://nhaco.vn",
                phone="0912345678",
            )
        ],
        "wifi-point": [
            row("wifi-point", unit=tree.a1.code, place="Nhà văn hóa", is_working="không")
        ],
        "camera": [
            row(
                "camera",
                unit=tree.a.code,
                place="Cổng làng",
                purpose="Giao thông",
                connected_to_centre="có",
            )
        ],
    }
    for registry, rows in rows_by_registry.items():
        registry_import_rows(actor=actor, registry=registry, rows=rows)


def test_every_registry_round_trips_through_its_export(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    """Export, import again: nothing changes, in CSV and in XLSX."""
    _fill_every_registry(tree, users)
    for registry in transfers():
        rows = list(registry_export_rows(user=users.officer_a, registry=registry))
        assert rows, registry
        table = reimport_table(registry, user=users.officer_a)
        report = registry_import_rows(actor=users.officer_a, registry=registry, rows=table)
        assert (report.created, report.updated, report.unchanged) == (0, 0, len(rows)), registry
        columns = list(transfer(registry).headers)
        upload = xlsx_upload(
            registry,
            [
                {
                    field: _xlsx(transfer(registry), field, value)
                    for field, value in zip(columns, r, strict=True)
                }
                for r in rows
            ],
        )
        report = registry_import_rows(
            actor=users.officer_a, registry=registry, rows=read(registry, upload)
        )
        assert (report.created, report.updated) == (0, 0), registry


def _xlsx(found: Any, field: str, value: Any) -> Any:
    from langso.registry.transfer import _xlsx_cell

    return _xlsx_cell(found.column(field), value)


def test_the_export_holds_only_the_readers_scope(tree: RegistryTree, users: RegistryUsers) -> None:
    _fill_every_registry(tree, users)
    assert list(registry_export_rows(user=users.officer_b, registry="household")) == []
    assert len(list(registry_export_rows(user=users.province_officer, registry="household"))) == 3
    assert list(registry_export_rows(user=users.nobody, registry="household")) == []


def test_two_thousand_households_round_trip(tree: RegistryTree, users: RegistryUsers) -> None:
    """2,000 households in 40 villages: imported from a CSV file, exported, imported
    again with no change. (`python -m bench roundtrip` makes the same trip with 100,000
    and prints its timings.)"""
    villages = [
        make_village(commune=commune, code=f"{commune.code}-V{v:03d}", name=f"Thôn {v}")
        for commune in (tree.a, tree.b)
        for v in range(20)
    ]
    rows = [
        row(
            village=villages[n % 40].code,
            house_number=str(n // 40 + 1),
            head_name=f"Hộ {n}",
            members=str(n % 7 + 1),
            adults=str(n % 7 + 1),
            adults_smartphone=str(n % 2),
            has_tv="Có" if n % 3 else "Không",
        )
        for n in range(2_000)
    ]
    table = read("household", csv_upload("household", rows))
    report = registry_import_rows(actor=users.province_officer, registry="household", rows=table)
    assert report.created == 2_000
    again = reimport_table("household", user=users.province_officer)
    assert len(again) == 2_000
    report = registry_import_rows(actor=users.province_officer, registry="household", rows=again)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2_000)
    assert Household.objects.count() == 2_000
    stored = Household.objects.filter(village__code=villages[7].code)
    assert stored.count() == 50
    assert stored.filter(has_tv=True).count() == len([n for n in range(7, 2_000, 40) if n % 3])


def test_a_csv_with_semicolons_and_quoted_cells_reads_back() -> None:
    """Commas, semicolons and line breaks inside cells survive the CSV the export writes."""
    found = transfer("product")
    values = dict.fromkeys(found.headers, "") | {"name": "Gạo, “nếp”; cái", "description": "a\nb"}
    text = read_table(
        csv_upload("product", [values]), columns=found.headers, optional=found.optional
    )
    assert text[0]["name"] == "Gạo, “nếp”; cái"
    assert text[0]["description"] == "a\nb"
