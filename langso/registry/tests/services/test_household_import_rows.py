"""household_import_rows: every row checked first, a bad file refused whole with every
bad row named, a good one written at once; re-imports update by address code."""

from __future__ import annotations

from typing import Any

import pytest

from langso.core.errors import AccessDenied, ImportRejected
from langso.core.models import AuditEntry
from langso.registry import address_codes
from langso.registry.events import HouseholdsChanged
from langso.registry.models import (
    AddressCodeKind,
    AddressSequence,
    Household,
    HouseholdStatus,
    LikelyDuplicate,
    Source,
)
from langso.registry.services import imports as imports_service
from langso.registry.services.imports import household_import_rows
from langso.registry.testing import Points, RegistryTree, RegistryUsers, csv_upload, read, row


def _rejected(
    users: RegistryUsers, rows: list[dict[str, str]], **kwargs: Any
) -> list[tuple[int, str, str]]:
    actor = kwargs.pop("actor", users.province_officer)
    with pytest.raises(ImportRejected) as rejected:
        household_import_rows(actor=actor, rows=rows, **kwargs)
    return [(e.row, e.column, e.reason) for e in rejected.value.errors]


def _nothing_written() -> None:
    assert Household.objects.count() == 0
    assert AuditEntry.objects.count() == 0
    assert AddressSequence.objects.filter(last__gt=0).count() == 0


def test_new_households_get_generated_codes_freshness_and_their_place(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    """Rows without an address code get the commune's next generated codes; the place
    comes from the village code; field groups with values record the import."""
    report = household_import_rows(
        actor=users.officer_a,
        rows=[
            row(village=tree.a1.code, head_name="Nguyễn Văn An", members="4", adults="3"),
            row(village=tree.a2.code, adults_smartphone="", broadband="Cáp quang"),
        ],
    )
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    assert report.codes_generated == 2
    first, second = Household.objects.order_by("village__code")
    assert first.address_code == address_codes.format_generated(tree.a.code, 1)
    assert address_codes.is_valid_generated(second.address_code)
    assert first.address_code_kind == AddressCodeKind.GENERATED
    assert (first.province, first.commune, first.village) == (tree.province, tree.a, tree.a1)
    assert first.head_name_key == "nguyễn văn an"
    assert first.head_name_search == "nguyen van an"
    assert first.composition_source == Source.IMPORT
    assert first.composition_updated_at is not None
    assert first.readiness_updated_at is None
    assert second.connectivity_source == Source.IMPORT
    assert second.composition_updated_at is None


def test_each_household_gets_its_own_audit_entry_with_a_masked_phone(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    """Who changed what per record: one entry per household, phones masked."""
    household_import_rows(
        actor=users.officer_a,
        rows=[
            row(village=tree.a1.code, head_phone="0912 345 678", members="2"),
            row(village=tree.a1.code, members="3"),
        ],
    )
    entries = list(AuditEntry.objects.order_by("object_id"))
    assert len(entries) == 2
    assert {e.actor_id for e in entries} == {users.officer_a.pk}
    assert {e.action for e in entries} == {AuditEntry.Action.CREATE}
    phone_entry = next(e for e in entries if e.changes.get("head_phone", [None, ""])[1])
    assert phone_entry.changes["head_phone"] == [None, "•••678"]
    assert "0912345678" not in str([e.changes for e in entries])
    household = Household.objects.get(pk=phone_entry.object_id)
    assert household.head_phone == "0912345678"


def test_one_event_carries_every_change(
    tree: RegistryTree, users: RegistryUsers, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An import publishes one HouseholdsChanged with every household, before and after."""
    published: list[HouseholdsChanged] = []
    monkeypatch.setattr(imports_service, "publish", published.append)
    household_import_rows(
        actor=users.officer_a,
        rows=[row(village=tree.a1.code, members="2"), row(village=tree.a2.code, members="5")],
    )
    assert len(published) == 1
    changes = published[0].changes
    assert published[0].source == Source.IMPORT
    assert sorted(after["members"] for _pk, before, after in changes if after and not before) == [
        2,
        5,
    ]
    assert {after["village_id"] for _pk, _b, after in changes if after} == {
        tree.a1.pk,
        tree.a2.pk,
    }


def test_importing_again_updates_by_address_code(tree: RegistryTree, users: RegistryUsers) -> None:
    """A row whose address code is stored updates that household; only the groups whose
    values changed move their freshness; the audit entry shows old → new."""
    household_import_rows(
        actor=users.officer_a,
        rows=[row(village=tree.a1.code, members="4", adults="3", adults_smartphone="1")],
    )
    household = Household.objects.get()
    composition_at = household.composition_updated_at
    assert composition_at is not None
    report = household_import_rows(
        actor=users.officer_a,
        rows=[
            row(address_code=household.address_code, village=tree.a1.code, adults_smartphone="2")
        ],
    )
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    household.refresh_from_db()
    assert Household.objects.count() == 1
    assert (household.members, household.adults, household.adults_smartphone) == (4, 3, 2)
    assert household.composition_updated_at == composition_at
    assert household.readiness_updated_at is not None
    assert household.readiness_updated_at > composition_at
    update = AuditEntry.objects.get(action=AuditEntry.Action.UPDATE)
    assert update.changes == {"adults_smartphone": [1, 2]}


def test_unchanged_rows_write_nothing(tree: RegistryTree, users: RegistryUsers) -> None:
    """A file that changes nothing leaves rows, timestamps and the audit trail alone."""
    rows = [
        row(address_code="VN-0001", village=tree.a1.code, members="3", lat="20.25", lon="105.95")
    ]
    household_import_rows(actor=users.officer_a, rows=rows)
    stored = Household.objects.get()
    report = household_import_rows(actor=users.officer_a, rows=rows)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)
    assert Household.objects.get().updated_at == stored.updated_at
    assert AuditEntry.objects.count() == 1


def test_empty_cells_keep_the_stored_values(tree: RegistryTree, users: RegistryUsers) -> None:
    """A file that leaves a cell empty does not erase what is stored."""
    household_import_rows(
        actor=users.officer_a,
        rows=[
            row(address_code="VN-0001", village=tree.a1.code, head_name="Lê Thị Hoa", members="3")
        ],
    )
    household_import_rows(
        actor=users.officer_a, rows=[row(address_code="VN-0001", village=tree.a2.code)]
    )
    household = Household.objects.get()
    assert (household.head_name, household.members, household.village) == (
        "Lê Thị Hoa",
        3,
        tree.a2,
    )
    assert household.location_source == Source.IMPORT


def test_national_codes_are_kept_and_codes_of_the_generated_form_must_exist(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    """A typed national code names the household; a code of Làng Số's own form that was
    never given is refused (it could collide with the sequence later)."""
    household_import_rows(
        actor=users.officer_a, rows=[row(address_code="vn 37-ab-12", village=tree.a1.code)]
    )
    household = Household.objects.get()
    assert (household.address_code, household.address_code_kind) == (
        "VN37-AB-12",
        AddressCodeKind.NATIONAL,
    )
    never_given = address_codes.format_generated(tree.a.code, 999)
    errors = _rejected(users, [row(address_code=never_given, village=tree.a1.code)])
    assert errors[0][:2] == (2, "Mã địa chỉ")
    assert "chưa được cấp" in errors[0][2]


@pytest.mark.parametrize(
    ("values", "column", "reason"),
    [
        ({"village": "", "members": "1"}, "Mã thôn", "bắt buộc"),
        ({"village": "37001-99"}, "Mã thôn", "không có thôn hiện hành mã “37001-99”"),
        ({"members": "-1"}, "Số nhân khẩu", "không được âm"),
        ({"members": "ba"}, "Số nhân khẩu", "không phải số nguyên"),
        ({"members": "2", "adults": "3"}, "Số người từ 15 tuổi", "lớn hơn số nhân khẩu"),
        (
            {"members": "4", "adults": "2", "adults_smartphone": "3"},
            "Số người có điện thoại thông minh",
            "lớn hơn số người từ 15 tuổi",
        ),
        ({"broadband": "vệ tinh"}, "Internet cố định", "không hợp lệ"),
        ({"has_tv": "hình như"}, "Có ti vi", "“có” hoặc “không”"),
        ({"lat": "48.85", "lon": "105.95"}, "Vĩ độ", "nằm ngoài lãnh thổ Việt Nam"),
        ({"lat": "20.25", "lon": "2.35"}, "Kinh độ", "nằm ngoài lãnh thổ Việt Nam"),
        ({"lat": "20.25"}, "Kinh độ", "cần cả vĩ độ và kinh độ"),
        ({"head_phone": "12ab"}, "Điện thoại chủ hộ", "số điện thoại không hợp lệ"),
        ({"address_code": "#1"}, "Mã địa chỉ", "không đúng dạng"),
        ({"status": "Đã gộp vào hộ khác"}, "Gộp vào hộ (mã địa chỉ)", "cần mã địa chỉ"),
    ],
)
def test_a_bad_value_is_named_and_nothing_is_written(
    tree: RegistryTree,
    users: RegistryUsers,
    values: dict[str, str],
    column: str,
    reason: str,
) -> None:
    """Each bad cell is reported with its row, its Vietnamese column and the reason."""
    rows = [
        row(village=tree.a1.code, members="4", adults="3"),
        row(**{"village": tree.a1.code, **values}),
    ]
    errors = _rejected(users, rows)
    assert [(r, c) for r, c, _reason in errors] == [(3, column)]
    assert reason in errors[0][2]
    _nothing_written()


def test_a_point_outside_the_commune_boundary_is_refused_where_one_is_loaded(
    tree: RegistryTree, users: RegistryUsers, points: Points
) -> None:
    """Commune A has a boundary: a point outside it is refused. Commune B has none: any
    point in Vietnam is accepted there."""
    outside = {"lat": str(points.outside_a.y), "lon": str(points.outside_a.x)}
    errors = _rejected(users, [row(village=tree.a1.code, **outside)])
    assert errors == [
        (2, "Vĩ độ, Kinh độ", f"toạ độ (20.25, 105.8) nằm ngoài ranh giới của {tree.a.name}")
    ]
    _nothing_written()
    report = household_import_rows(
        actor=users.province_officer, rows=[row(village=tree.b1.code, **outside)]
    )
    assert report.created == 1


def test_an_address_code_twice_in_one_file_is_refused(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    errors = _rejected(
        users,
        [
            row(address_code="VN-1", village=tree.a1.code),
            row(address_code="vn-1", village=tree.a2.code),
        ],
    )
    assert errors == [(3, "Mã địa chỉ", "mã “VN-1” lặp lại (đã có ở dòng 2)")]
    _nothing_written()


def test_rows_outside_the_importers_scope_are_each_named(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    """Commune A's officer may not import into commune B; each such row is named."""
    errors = _rejected(
        users,
        [
            row(village=tree.a1.code),
            row(village=tree.b1.code),
            row(village=tree.b2.code),
        ],
        actor=users.officer_a,
    )
    assert [(r, c) for r, c, _reason in errors] == [(3, "Mã thôn"), (4, "Mã thôn")]
    assert all("ngoài phạm vi bạn được quản lý" in reason for _r, _c, reason in errors)
    _nothing_written()


def test_rows_outside_the_chosen_unit_are_refused(tree: RegistryTree, users: RegistryUsers) -> None:
    """A province officer importing a file for commune A may not touch commune B."""
    errors = _rejected(users, [row(village=tree.b1.code)], unit=tree.a)
    assert errors[0][:2] == (2, "Mã thôn")
    assert f"không thuộc {tree.a.name}" in errors[0][2]


def test_a_stored_household_outside_the_scope_cannot_be_changed(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    """An address code of a household in commune B is refused to commune A's officer,
    even when the row places it in A."""
    household_import_rows(
        actor=users.officer_b, rows=[row(address_code="VN-B", village=tree.b1.code)]
    )
    errors = _rejected(
        users, [row(address_code="VN-B", village=tree.a1.code)], actor=users.officer_a
    )
    assert errors[0][:2] == (2, "Mã địa chỉ")
    assert Household.objects.get().village == tree.b1


def test_counts_are_checked_against_the_stored_ones(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    """A file giving adults but not members is checked against the stored members."""
    household_import_rows(
        actor=users.officer_a,
        rows=[row(address_code="VN-1", village=tree.a1.code, members="3")],
    )
    errors = _rejected(users, [row(address_code="VN-1", village=tree.a1.code, adults="5")])
    assert errors == [
        (2, "Số người từ 15 tuổi", "số người từ 15 tuổi (5) lớn hơn số nhân khẩu (3)")
    ]


def test_every_bad_row_is_listed_and_nothing_is_written(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    """A file with good and bad rows: every bad row is listed, in file order, and not
    even the good rows are written."""
    errors = _rejected(
        users,
        [
            row(village=tree.a1.code, members="2"),
            row(village="", members="-3"),
            row(village=tree.a1.code, members="2"),
            row(village="00000-01", members="1", adults="2"),
        ],
    )
    assert [(r, c) for r, c, _reason in errors] == [
        (3, "Mã thôn"),
        (3, "Số nhân khẩu"),
        (5, "Mã thôn"),
        (5, "Số người từ 15 tuổi"),
    ]
    _nothing_written()


def test_who_may_not_keep_registries_may_not_import(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    rows = [row(village=tree.a1.code)]
    for actor in (users.nobody, users.digital_team_a):
        with pytest.raises(AccessDenied):
            household_import_rows(actor=actor, rows=rows)
    with pytest.raises(AccessDenied):
        household_import_rows(actor=users.officer_a, rows=rows, unit=tree.b)
    _nothing_written()


def test_a_village_head_imports_into_the_village_only(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    report = household_import_rows(actor=users.village_head_a1, rows=[row(village=tree.a1.code)])
    assert report.created == 1
    errors = _rejected(users, [row(village=tree.a2.code)], actor=users.village_head_a1)
    assert errors[0][:2] == (2, "Mã thôn")


def test_a_commune_code_places_a_household_on_a_commune_without_villages(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    household_import_rows(actor=users.officer_b, rows=[row(village=tree.b.code)])
    household = Household.objects.get()
    assert (household.commune, household.village) == (tree.b, None)


def test_a_household_can_be_marked_merged_into_another(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    household_import_rows(
        actor=users.officer_a,
        rows=[
            row(address_code="VN-1", village=tree.a1.code),
            row(address_code="VN-2", village=tree.a1.code),
        ],
    )
    household_import_rows(
        actor=users.officer_a,
        rows=[
            row(
                address_code="VN-2",
                village=tree.a1.code,
                status="Đã gộp vào hộ khác",
                merged_into="vn-1",
            )
        ],
    )
    merged = Household.objects.get(address_code="VN-2")
    assert merged.status == HouseholdStatus.MERGED
    assert merged.merged_into == Household.objects.get(address_code="VN-1")
    household_import_rows(
        actor=users.officer_a,
        rows=[row(address_code="VN-2", village=tree.a1.code, status="dang o")],
    )
    back = Household.objects.get(address_code="VN-2")
    assert (back.status, back.merged_into) == (HouseholdStatus.ACTIVE, None)


def test_likely_duplicates_are_flagged_after_an_import(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    """Two rows in one village with the same head name are flagged for an officer."""
    report = household_import_rows(
        actor=users.officer_a,
        rows=[
            row(village=tree.a1.code, head_name="Trần Văn Bình"),
            row(village=tree.a1.code, head_name="TRẦN VĂN BÌNH"),
        ],
    )
    assert report.likely_duplicates == 1
    assert LikelyDuplicate.objects.count() == 1


@pytest.mark.parametrize("encoding", ["cp1258", "utf-8", "utf-8-sig"])
def test_files_in_each_encoding_offices_use_are_read_and_imported(
    tree: RegistryTree, users: RegistryUsers, encoding: str
) -> None:
    """Windows-1258 (Excel on a Vietnamese Windows), UTF-8 without BOM and with it: the
    same file gives the same households, names intact."""
    upload = csv_upload(
        "household",
        [row(village=tree.a1.code, head_name="Phạm Thị Hường", street="Xóm Đồng Quýt")],
        encoding=encoding,
        delimiter=";",
    )
    household_import_rows(actor=users.officer_a, rows=read("household", upload))
    household = Household.objects.get()
    assert (household.head_name, household.street) == ("Phạm Thị Hường", "Xóm Đồng Quýt")


def test_a_new_head_name_is_searchable_without_diacritics(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    """Re-importing with another head's name moves both of its derived keys."""
    household_import_rows(
        actor=users.officer_a, rows=[row(village=tree.a1.code, head_name="Lê Văn Bé")]
    )
    household = Household.objects.get()
    household_import_rows(
        actor=users.officer_a,
        rows=[
            row(address_code=household.address_code, village=tree.a1.code, head_name="Đỗ Thị Hằng")
        ],
    )
    household.refresh_from_db()
    assert (household.head_name_key, household.head_name_search) == ("đỗ thị hằng", "do thi hang")
