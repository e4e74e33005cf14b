"""Test helpers of the registry, for its own tests and for every app whose tests need
households and placed rows: a small current tree and one holder per role, rows written
directly or through the services, and import/export files as officers send them.

Ninh Bình (37) ─ commune A (37001, boundary and centroid) ─ villages A1, A2
               └ commune B (37002, centroid, no boundary) ─ villages B1, B2

Commune A's boundary is the square 105.90–106.00 E × 20.20–20.30 N; `Points.inside_a`
lies in it, `Points.outside_a` lies in Vietnam but outside it. Commune B has no
boundary loaded, so any point in Vietnam is accepted there.

The `tree` and `users` fixtures are defined here rather than in the registry's
conftest because other apps' suites use them: their conftest imports them by name
(pytest finds a fixture in a conftest's namespace), and no app imports another's conftest.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import count
from typing import Any, TypeVar

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from PIL import Image

from langso.accounts.models import User
from langso.accounts.roles import Role
from langso.accounts.tests.factories import make_role, make_user
from langso.core.actors import Actor
from langso.core.tabular import read_table
from langso.places.models import AdminUnit, Level
from langso.places.testing import UnitTree, make_unit_tree
from langso.registry.models import Household, HouseholdStatus, Placed
from langso.registry.selectors.exports import registry_export_rows
from langso.registry.services.households import household_create, household_set_status
from langso.registry.services.imports import ImportReport, registry_import_rows
from langso.registry.specs import SPECS, RegistrySpec
from langso.registry.transfer import (
    MAX_FILE_BYTES,
    MAX_ROWS,
    Transfer,
    csv_chunks,
    transfer_for,
)

A_BOUNDARY = MultiPolygon(
    Polygon(((105.90, 20.20), (106.00, 20.20), (106.00, 20.30), (105.90, 20.30), (105.90, 20.20))),
    srid=4326,
)
A_CENTROID = Point(105.95, 20.25, srid=4326)
B_CENTROID = Point(106.05, 20.25, srid=4326)


@dataclass
class RegistryTree:
    tree: UnitTree

    @property
    def province(self) -> AdminUnit:
        return self.tree.province

    @property
    def a(self) -> AdminUnit:
        return self.tree.communes[0]

    @property
    def b(self) -> AdminUnit:
        return self.tree.communes[1]

    @property
    def a1(self) -> AdminUnit:
        return self.tree.villages_of(self.a)[0]

    @property
    def a2(self) -> AdminUnit:
        return self.tree.villages_of(self.a)[1]

    @property
    def b1(self) -> AdminUnit:
        return self.tree.villages_of(self.b)[0]

    @property
    def b2(self) -> AdminUnit:
        return self.tree.villages_of(self.b)[1]


@pytest.fixture
def tree(db: None) -> RegistryTree:
    """Province 37 with communes A (boundary) and B (no boundary), two villages each."""
    units = make_unit_tree(province_code="37", province_name="Tỉnh Ninh Bình")
    commune_a, commune_b = units.communes
    commune_a.boundary = A_BOUNDARY
    commune_a.centroid = A_CENTROID
    commune_a.save(update_fields=["boundary", "centroid"])
    commune_b.centroid = B_CENTROID
    commune_b.save(update_fields=["centroid"])
    return RegistryTree(tree=units)


@dataclass(frozen=True)
class Points:
    inside_a: Point
    outside_a: Point
    in_b: Point
    outside_vietnam: Point


# Whether each of `RegistryUsers` may keep the registries of village A1: the answers
# that access tests of every write expect, by role, written out here once.
MANAGES_A1: list[tuple[str, bool]] = [
    ("central_admin", True),
    ("province_officer", True),
    ("officer_a", True),
    ("village_head_a1", True),
    ("officer_b", False),
    ("digital_team_a", False),
    ("nobody", False),
]

# Which of three rows, one each in villages A1, A2 and B1, each of `RegistryUsers` may
# read: the answers that every scoped list and detail is tested against, by role.
SEES_A1_A2_B1: list[tuple[str, set[str]]] = [
    ("central_admin", {"a1", "a2", "b1"}),
    ("province_officer", {"a1", "a2", "b1"}),
    ("officer_a", {"a1", "a2"}),
    ("officer_b", {"b1"}),
    ("village_head_a1", {"a1"}),
    ("digital_team_a", {"a1", "a2"}),
    ("nobody", set()),
]


@dataclass
class RegistryUsers:
    """One user per role: central admin nationwide, the province officer of 37, the
    commune officers of A and of B, the village head of A1, a digital-team member of A,
    and a signed-up user with no role."""

    central_admin: User
    province_officer: User
    officer_a: User
    officer_b: User
    village_head_a1: User
    digital_team_a: User
    nobody: User

    def of(self, name: str) -> User:
        user: User = getattr(self, name)
        return user


def _holder(role: str, unit: AdminUnit | None, username: str) -> User:
    user = make_user(username=username)
    make_role(user=user, role=role, unit=unit)
    return user


@pytest.fixture
def users(tree: RegistryTree) -> RegistryUsers:
    return RegistryUsers(
        central_admin=_holder(Role.CENTRAL_ADMIN, None, "trunguong"),
        province_officer=_holder(Role.PROVINCE_OFFICER, tree.province, "canbo.tinh"),
        officer_a=_holder(Role.COMMUNE_OFFICER, tree.a, "canbo.xa.a"),
        officer_b=_holder(Role.COMMUNE_OFFICER, tree.b, "canbo.xa.b"),
        village_head_a1=_holder(Role.VILLAGE_HEAD, tree.a1, "truongthon.a1"),
        digital_team_a=_holder(Role.DIGITAL_TEAM_MEMBER, tree.a, "tocongnghe.a"),
        nobody=make_user(username="khongvaitro"),
    )


_household_numbers = iter(range(1, 10**9))


def make_household(*, village: AdminUnit, **fields: object) -> Household:
    """A household row written directly (no service, no audit, no event): for tests of
    other registries that only need one to point at. Address codes are unique per call."""
    fields.setdefault("address_code", f"TEST-{next(_household_numbers):06d}")
    if village.province is None or village.commune is None:
        raise ValueError(f"{village.code} is not a village of the tree")
    household: Household = Household.objects.create(
        province=village.province,
        commune=village.commune,
        village=village,
        **fields,
    )
    return household


def create_household(*, actor: User, village: AdminUnit, **values: object) -> Household:
    """A household through the service (audited, published, checked for duplicates)."""
    return household_create(actor=actor, village=village, values=values)


# Placed registries (cooperatives, products, vessels, farms, tourism sites, wifi
# points, cameras): good values for each, and rows written directly.

P = TypeVar("P", bound=Placed)
ALL_SPECS = list(SPECS.values())
SPEC_IDS = [spec.name for spec in ALL_SPECS]
# A test run once for each placed registry, named by it: `@each_spec` on a test taking
# `spec`.
each_spec = pytest.mark.parametrize("spec", ALL_SPECS, ids=SPEC_IDS)

_numbers = count(1)


def vessel_number() -> str:
    return f"NA-{90000 + next(_numbers)}-TS"


def good_values(spec: RegistrySpec[Any], *, unit: AdminUnit) -> dict[str, Any]:
    """Values that `registry_create` accepts for a row in `unit` (a village, or a commune
    for registries whose maker can sit anywhere)."""
    if spec.name == "cooperative":
        return {"name": "HTX Nông nghiệp Đông Hà"}
    if spec.name == "product":
        village = unit if unit.level == Level.VILLAGE else _first_village(unit)
        household = make_household(village=village)
        return {
            "name": "Mắm tôm Hậu Lộc",
            "category": "food",
            "household": household.address_code,
        }
    if spec.name == "vessel":
        return {"registration_number": vessel_number(), "name": "Tàu Bình Minh"}
    if spec.name == "farm":
        return {"name": "Ao nuôi tôm"}
    if spec.name == "tourism-site":
        return {"name": "Homestay Bản Lác", "kind": "homestay"}
    if spec.name == "wifi-point":
        return {"place": "Nhà văn hóa thôn Đông"}
    if spec.name == "camera":
        return {"place": "Ngã ba chợ"}
    raise AssertionError(spec.name)


def _first_village(commune: AdminUnit) -> AdminUnit:
    village: AdminUnit = AdminUnit.objects.filter(commune=commune, level=Level.VILLAGE).first()  # type: ignore[assignment]  # the test tree gives every commune villages
    return village


def make_row(
    spec: RegistrySpec[P],
    *,
    unit: AdminUnit,
    location: Point | None = None,
    **fields: Any,
) -> P:
    """A row written directly (no service, no audit): for reads, pages and the API."""
    number = next(_numbers)
    village = unit if unit.level == Level.VILLAGE else None
    values: dict[str, Any] = {
        "province_id": unit.province_id,
        "commune_id": unit.commune_id,
        "village": village,
        "location": location,
    }
    if spec.code_prefix is None:
        values[spec.key] = vessel_number()
    else:
        values[spec.key] = f"T{number:06d}-{spec.code_prefix}"
    defaults: dict[str, dict[str, Any]] = {
        "cooperative": {"name": f"HTX số {number}", "search_name": f"htx so {number}"},
        "product": {"name": f"Sản phẩm {number}", "search_name": f"san pham {number}"},
        "vessel": {},
        "farm": {"name": f"Ao {number}"},
        "tourism-site": {"name": f"Điểm {number}", "search_name": f"diem {number}", "kind": "eco"},
        "wifi-point": {"place": f"Nhà văn hóa {number}"},
        "camera": {"place": f"Cổng chợ {number}"},
    }
    values |= defaults[spec.name]
    if spec.name == "product" and "cooperative" not in fields and "household" not in fields:
        fields["household"] = make_household(village=village or _first_village(unit))
    values |= fields
    return spec.model._default_manager.create(**values)


def image_bytes(fmt: str = "JPEG", *, size: tuple[int, int] = (64, 48), exif: Any = None) -> bytes:
    """A small image in `fmt`, with EXIF when given."""
    image = Image.new("RGB", size, (30, 120, 60))
    out = io.BytesIO()
    params: dict[str, Any] = {}
    if exif is not None:
        params["exif"] = exif
    image.save(out, fmt, **params)
    return out.getvalue()


def gps_exif() -> Image.Exif:
    """EXIF with a GPS position (a home in Ninh Bình), as a phone writes it."""
    exif = Image.Exif()
    gps = {1: "N", 2: (20.0, 15.0, 0.0), 3: "E", 4: (105.0, 57.0, 0.0)}
    exif[0x8825] = gps
    exif[0x010F] = "PhoneMaker"
    return exif


# Import and export: rows as `read_table` returns them, and files as officers send them
# (CSV in any of the accepted encodings, or XLSX).

# Tone marks, which Windows-1258 writes as separate combining characters.
_TONES = "\u0300\u0301\u0303\u0309\u0323"


def transfer(registry: str) -> Transfer:
    found = transfer_for(registry)
    if found is None:
        raise LookupError(registry)
    return found


def row(registry: str = "household", **values: str) -> dict[str, str]:
    """A table row with every column of the registry, empty unless given."""
    table_row = dict.fromkeys(transfer(registry).headers, "")
    table_row.update(values)
    return table_row


def import_row(registry: str, *, actor: Actor, **values: str) -> ImportReport:
    """One row of `registry` imported as a file of one line brings it (`row` fills in
    the other columns, empty)."""
    return registry_import_rows(actor=actor, registry=registry, rows=[row(registry, **values)])


def _cp1258(text: str) -> bytes:
    """Text as Excel on a Vietnamese Windows saves it: precomposed letters where the code
    page has them, tone marks as separate characters."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
            out += base.encode("cp1258") + "".join(c for c in decomposed if c in _TONES).encode(
                "cp1258"
            )
    return bytes(out)


def csv_upload(
    registry: str,
    rows: Iterable[dict[str, str]],
    *,
    encoding: str = "utf-8-sig",
    delimiter: str = ",",
    headers: Sequence[str] | None = None,
    name: str = "so.csv",
) -> SimpleUploadedFile:
    """A CSV file with the registry's headers (or `headers`)."""
    columns = transfer(registry).headers
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter)
    writer.writerow(headers if headers is not None else list(columns.values()))
    writer.writerows([r.get(field, "") for field in columns] for r in rows)
    data = _cp1258(text.getvalue()) if encoding == "cp1258" else text.getvalue().encode(encoding)
    return SimpleUploadedFile(name, data, "text/csv")


def xlsx_upload(
    registry: str, rows: Iterable[dict[str, Any]], *, name: str = "so.xlsx"
) -> SimpleUploadedFile:
    columns = transfer(registry).headers
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.append(list(columns.values()))
    for values in rows:
        sheet.append([values.get(field) for field in columns])
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def read(registry: str, upload: Any) -> list[dict[str, str]]:
    """The table of an upload, as the import task reads it."""
    found = transfer(registry)
    return read_table(
        upload,
        columns=found.headers,
        optional=found.optional,
        max_bytes=MAX_FILE_BYTES,
        max_rows=MAX_ROWS,
    )


def exported_csv(registry: str, *, user: Actor) -> bytes:
    """The CSV export of everything `user` sees, as the export page streams it."""
    rows = registry_export_rows(user=user, registry=registry)
    return b"".join(csv_chunks(transfer(registry), rows))


def reimport_table(registry: str, *, user: Actor) -> list[dict[str, str]]:
    """The export read back as an import reads it."""
    return read(registry, SimpleUploadedFile("xuat.csv", exported_csv(registry, user=user)))


def household_leave(*, actor: Actor, household: Household, merged: bool) -> None:
    """`household` leaves the list: it moves away or, `merged`, merges into the first
    other active household (as the oracle tests of derived data — indicator aggregates,
    map cells — walk it)."""
    if not merged:
        household_set_status(actor=actor, household=household, status=HouseholdStatus.MOVED_AWAY)
        return
    target = next(
        h for h in Household.objects.filter(status=HouseholdStatus.ACTIVE) if h != household
    )
    household_set_status(
        actor=actor, household=household, status=HouseholdStatus.MERGED, merged_into=target
    )
