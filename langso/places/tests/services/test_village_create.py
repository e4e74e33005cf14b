from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from langso.accounts.models import User
from langso.core.errors import AccessDenied, DomainError, NotFound
from langso.core.models import AuditEntry
from langso.places.models import AdminUnit, Kind, Level
from langso.places.selectors import today
from langso.places.services.villages import VillageInvalid, village_create, village_update

from ..conftest import Tree

pytestmark = pytest.mark.django_db


def test_creates_a_village_under_the_commune_with_its_ancestors(
    tree: Tree, officer_a: User
) -> None:
    """A commune officer adds a village: the stored code is prefixed with the commune's,
    its ancestors are the commune's, it is valid from today and audited."""
    village = village_create(
        actor=officer_a,
        commune=tree.a,
        code="t3",
        name="  Thôn  Đông ",
        kind="thôn",
        lat=20.25,
        lon=105.97,
    )
    village.refresh_from_db()
    assert village.code == "37001-T3"
    assert village.level == Level.VILLAGE
    assert village.kind == Kind.THON
    assert village.name == "Thôn Đông"
    assert village.short_name == "Đông"
    assert village.search_name == "thon dong"
    assert village.parent_id == tree.a.pk
    assert village.commune_id == tree.a.pk
    assert village.province_id == tree.province.pk
    assert village.district_id is None
    assert village.valid_from == today()
    assert village.valid_to is None
    assert village.source_id is None
    assert village.centroid is not None
    assert (village.centroid.x, village.centroid.y) == (105.97, 20.25)
    entry = AuditEntry.objects.get(object_id=str(village.pk))
    assert entry.action == AuditEntry.Action.CREATE
    assert entry.actor_id == officer_a.pk
    assert entry.changes["code"] == [None, "37001-T3"]


def test_short_name_keeps_a_name_without_the_kind_prefix(tree: Tree, officer_a: User) -> None:
    """A name that does not start with its kind's label is its own short name."""
    village = village_create(
        actor=officer_a, commune=tree.a, code="09", name="Khu phố Mới", kind="Tổ dân phố"
    )
    assert village.kind == Kind.TO_DAN_PHO
    assert village.short_name == "Khu phố Mới"
    assert village.centroid is None


def test_officer_of_another_commune_is_refused_and_nothing_is_written(
    tree: Tree, officer_a: User
) -> None:
    """An officer of commune A cannot add a village to commune B."""
    before = AdminUnit.objects.count()
    with pytest.raises(AccessDenied) as refused:
        village_create(actor=officer_a, commune=tree.b, code="09", name="Thôn Mới", kind="thon")
    assert "quyền" in refused.value.message
    assert AdminUnit.objects.count() == before
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("who", ["province_officer", "central_admin"])
def test_province_officer_and_central_admin_may_add_villages(
    tree: Tree, who: str, request: pytest.FixtureRequest
) -> None:
    """Roles above the commune reach its villages."""
    actor = request.getfixturevalue(who)
    village = village_create(actor=actor, commune=tree.b, code="09", name="Ấp Chín", kind="ap")
    assert village.short_name == "Chín"


def test_anonymous_and_roleless_users_are_refused(tree: Tree, nobody: User) -> None:
    """Signing in is not enough: a role reaching the commune is needed."""
    for actor in (AnonymousUser(), nobody):
        with pytest.raises(AccessDenied):
            village_create(actor=actor, commune=tree.a, code="09", name="Thôn X", kind="thon")


def test_bad_values_are_all_reported_by_field(tree: Tree, officer_a: User) -> None:
    """Every bad field is named at once, in Vietnamese, and nothing is written."""
    with pytest.raises(VillageInvalid) as invalid:
        village_create(
            actor=officer_a, commune=tree.a, code="Đ 1", name="", kind="khu", lat=30.0, lon=None
        )
    errors = invalid.value.errors
    assert set(errors) == {"code", "name", "kind", "lat", "lon"}
    assert "không hợp lệ" in errors["code"]
    assert "Thiếu tên" in errors["name"]
    assert "Loại “khu” không hợp lệ" in errors["kind"]
    assert "ngoài lãnh thổ" in errors["lat"]
    assert "cả vĩ độ và kinh độ" in errors["lon"]
    assert not AdminUnit.objects.filter(code__startswith="37001-Đ").exists()


def test_existing_code_and_name_are_refused(tree: Tree, officer_a: User) -> None:
    """A code already used in the commune, or a name already used (ignoring case and
    tone placement), is refused."""
    existing = tree.villages(tree.a)[0]
    with pytest.raises(VillageInvalid) as invalid:
        village_create(
            actor=officer_a, commune=tree.a, code="01", name=existing.name.upper(), kind="thon"
        )
    assert "đã có thôn mã “01”" in invalid.value.errors["code"]
    assert existing.name in invalid.value.errors["name"]


def test_the_same_local_code_may_be_used_by_another_commune(
    tree: Tree, province_officer: User
) -> None:
    """Village codes are the commune's own: "01" exists in A and B alike."""
    village = village_create(
        actor=province_officer, commune=tree.b, code="03", name="Thôn Ba", kind="thon"
    )
    other = village_create(
        actor=province_officer, commune=tree.a, code="03", name="Thôn Ba", kind="thon"
    )
    assert (village.code, other.code) == ("37002-03", "37001-03")


def test_legacy_commune_and_non_commune_are_refused(tree: Tree, central_admin: User) -> None:
    """Villages are added only to a commune in force."""
    with pytest.raises(NotFound):
        village_create(
            actor=central_admin, commune=tree.province, code="01", name="Thôn A", kind="thon"
        )
    legacy = AdminUnit.objects.get(pk=tree.a.pk)
    legacy.valid_to = today()
    with pytest.raises(DomainError, match="chỉ có hiệu lực đến"):
        village_create(actor=central_admin, commune=legacy, code="09", name="Thôn A", kind="thon")


def test_update_changes_name_kind_and_point_and_audits(tree: Tree, officer_a: User) -> None:
    """An update keeps the code and records old and new values."""
    village = tree.villages(tree.a)[0]
    village_update(
        actor=officer_a, village=village, name="Bản Sáng", kind="Bản", lat=21.5, lon=104.1
    )
    village.refresh_from_db()
    assert (village.code, village.name, village.short_name, village.kind) == (
        "37001-01",
        "Bản Sáng",
        "Sáng",
        Kind.BAN,
    )
    assert village.search_name == "ban sang"
    entry = AuditEntry.objects.get(object_id=str(village.pk), action=AuditEntry.Action.UPDATE)
    assert entry.changes["name"][1] == "Bản Sáng"
    assert "code" not in entry.changes


def test_update_that_changes_nothing_writes_nothing(tree: Tree, officer_a: User) -> None:
    """Saving the same values leaves no audit entry."""
    village = tree.villages(tree.a)[0]
    village_update(
        actor=officer_a, village=village, name=village.name, kind=village.kind, lat=None, lon=None
    )
    assert not AuditEntry.objects.exists()


def test_update_of_another_communes_village_is_refused(tree: Tree, officer_a: User) -> None:
    """An officer of A cannot edit a village of B; it stays as it was."""
    village = tree.villages(tree.b)[0]
    with pytest.raises(AccessDenied):
        village_update(
            actor=officer_a, village=village, name="Thôn Lạ", kind="thon", lat=None, lon=None
        )
    village.refresh_from_db()
    assert village.name != "Thôn Lạ"


def test_update_refuses_a_name_of_another_village(tree: Tree, officer_a: User) -> None:
    """Renaming onto a sibling's name is refused; keeping one's own name is not."""
    first, second = tree.villages(tree.a)
    with pytest.raises(VillageInvalid) as invalid:
        village_update(
            actor=officer_a, village=first, name=second.name, kind="thon", lat=None, lon=None
        )
    assert "name" in invalid.value.errors
