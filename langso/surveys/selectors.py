"""Reads of survey forms, within the reader's reach: the forms used in their scope (a
commune officer sees their commune's forms, their province's and the national ones)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce, TruncMonth
from django.utils.translation import gettext as _

from langso.accounts.models import RoleAssignment, User
from langso.accounts.roles import ROLE_PERMISSIONS, Permission, Role
from langso.accounts.selectors import (
    is_nationwide,
    role_list_for_user,
    scope_unit,
    unit_scope_q,
    user_has_permission_somewhere,
    user_has_unit_permission,
)
from langso.core.actors import Actor
from langso.core.errors import AccessDenied, NotFound
from langso.core.events import ActivityTotal
from langso.places.models import AdminUnit, Level
from langso.registry.models import COUNT_FIELDS, Household, HouseholdStatus
from langso.registry.selectors.scope import within_scope
from langso.registry.services.households import field_label

from .entity_declarations import HOUSEHOLDS, entity_version, household_current_values
from .models import (
    DigitalTeam,
    FormAttachment,
    FormEncryptionKey,
    FormVersion,
    Submission,
    SubmissionAttachment,
    SubmissionComment,
    SurveyForm,
    Visit,
)
from .openrosa import md5_hash


def _reach_q(user: Actor, permission: str = Permission.VIEW_SCOPED) -> Q:
    """Forms used under the units where the user holds `permission`, at one of their
    ancestors, or nationwide; none without `permission` anywhere (a nationwide form is
    not everyone's to fill)."""
    if is_nationwide(user=user, permission=permission):
        return Q()
    if not user_has_permission_somewhere(user=user, permission=permission):
        return Q(pk__in=[])
    ancestors: set[int] = set()
    for assignment in role_list_for_user(user=user):
        unit = assignment.unit
        if unit is not None and permission in ROLE_PERMISSIONS[assignment.role]:
            ancestors.update(
                pk for pk in (unit.province_id, unit.district_id, unit.commune_id) if pk
            )
    return (
        Q(unit__isnull=True)
        | Q(unit__in=sorted(ancestors))
        | unit_scope_q(user=user, permission=permission, prefix="unit__")
    )


def collector_may_fill(*, user: Actor, form: SurveyForm) -> bool:
    """Whether `user` may fill `form`: it is used where they collect, above it, or
    nationwide (open or not: closing is checked apart, to say so)."""
    if not user.is_authenticated:
        return False
    return SurveyForm.objects.filter(
        _reach_q(user, Permission.COLLECT_SURVEYS), pk=form.pk
    ).exists()


def collector_forms(*, user: Actor) -> list[FormVersion]:
    """The newest version of every open form the collector may fill, once each media
    file it names is there: their form list. ODK Collect fails the download of a form
    whose media it cannot fetch, so an incomplete form is not offered at all."""
    if not user.is_authenticated:
        return []
    forms = SurveyForm.objects.filter(_reach_q(user, Permission.COLLECT_SURVEYS), is_open=True)
    newest: dict[int, FormVersion] = {}
    for version in (
        FormVersion.objects.filter(form__in=forms)
        .defer("xform", "itemsets")
        .select_related("form")
        .prefetch_related("attachments")
        .order_by("form_id", "-published_at", "-pk")
    ):
        newest.setdefault(version.form_id, version)
    complete = (v for v in newest.values() if all(a.is_ready for a in v.attachments.all()))
    return sorted(complete, key=lambda v: v.form.xml_form_id)


def collector_form_version(*, user: Actor, xml_form_id: str) -> FormVersion:
    """The newest version of one open form the collector may fill; NotFound otherwise."""
    for version in collector_forms(user=user):
        if version.form.xml_form_id == xml_form_id:
            return version
    raise NotFound(_("Không có biểu mẫu “%(id)s” cho bạn.") % {"id": xml_form_id[:64]})


def form_list_for_user(*, user: Actor) -> QuerySet[SurveyForm]:
    """The forms the user may see, with their unit, newest first."""
    if not user.is_authenticated:
        return SurveyForm.objects.none()
    return (
        SurveyForm.objects.filter(_reach_q(user))
        .select_related("unit")
        .defer("unit__boundary")
        .order_by("-created_at", "-pk")
    )


def form_get_for_user(*, user: Actor, pk: int) -> SurveyForm:
    """One form within the user's reach, with its versions newest first; NotFound
    otherwise, as if it did not exist."""
    versions = FormVersion.objects.select_related("published_by").order_by("-published_at", "-pk")
    form = (
        form_list_for_user(user=user)
        .prefetch_related(Prefetch("versions", queryset=versions))
        .filter(pk=pk)
        .first()
    )
    if form is None:
        raise NotFound(_("Không tìm thấy biểu mẫu này."))
    return form


def form_attachments(*, version: FormVersion) -> list[FormAttachment]:
    return list(version.attachments.order_by("name"))


def form_attachment_get(*, form: SurveyForm, pk: int) -> FormAttachment:
    """A media file uploaded for a version of `form` (a form the reader sees)."""
    attachment = FormAttachment.objects.filter(version__form=form, pk=pk).exclude(file="").first()
    if attachment is None:
        raise NotFound(_("Không tìm thấy tệp này."))
    return attachment


def form_may_manage(*, user: Actor, form: SurveyForm) -> bool:
    if form.unit is None:
        return is_nationwide(user=user, permission=Permission.MANAGE_FORMS)
    return user_has_unit_permission(user=user, permission=Permission.MANAGE_FORMS, unit=form.unit)


def form_publish_units(*, user: Actor) -> list[AdminUnit]:
    """Current provinces and communes where the user may publish forms (a commune
    officer: their commune; a province officer: the province and its communes), with
    what their labels name (`accounts.selectors.unit_label`)."""
    return list(
        AdminUnit.objects.current()
        .filter(level__in=(Level.PROVINCE, Level.COMMUNE))
        .filter(unit_scope_q(user=user, permission=Permission.MANAGE_FORMS))
        .select_related("commune", "province")
        .order_by("level", "code")[:500]
    )


# What the entity list of households carries for each one: ODK's name, label and
# __version, then the properties forms may show or update (`save_to`).
HOUSEHOLD_PROPERTIES = (
    *COUNT_FIELDS,
    "broadband",
    "mobile_coverage",
)


def team_village_ids(*, user: Actor) -> list[int]:
    """The villages assigned to the digital teams `user` is a member of."""
    if not user.is_authenticated:
        return []
    return sorted(
        set(
            DigitalTeam.villages.through.objects.filter(digitalteam__members=user.pk).values_list(
                "adminunit_id", flat=True
            )
        )
    )


def collector_households(*, user: Actor) -> QuerySet[Household]:
    """The households a collector works on: those of the villages assigned to their
    digital teams when they are in one, within where they may collect; otherwise
    everywhere they may collect (an officer surveying their own commune)."""
    households = within_scope(
        Household.objects.all(), user=user, permission=Permission.COLLECT_SURVEYS
    )
    # A team always holds its own village: no villages means no team.
    if team_villages := team_village_ids(user=user):
        households = households.filter(village__in=team_villages)
    return households


def collector_villages(*, user: Actor) -> QuerySet[AdminUnit]:
    """The current villages where a collector may survey (and add a household found in
    the field): the same rule as `collector_households`."""
    villages = (
        AdminUnit.objects.current()
        .filter(level=Level.VILLAGE)
        .filter(unit_scope_q(user=user, permission=Permission.COLLECT_SURVEYS))
    )
    if team_villages := team_village_ids(user=user):
        villages = villages.filter(pk__in=team_villages)
    return villages.order_by("code")


def _households_csv(user: Actor) -> bytes:
    """Households of the villages where the collector collects, and nothing else: a
    team's phone never holds another village's list. Personal data stays out but for
    the head's name in the label, which the team needs to find the house."""
    households = (
        collector_households(user=user)
        .filter(status=HouseholdStatus.ACTIVE)
        .order_by("address_code")
    )
    # Not `core.exports`: this file is data for ODK Collect, never opened in a
    # spreadsheet, so nothing is neutralised (an apostrophe would show in the phone's
    # labels and change the values a form reads) and there is no BOM.
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["name", "label", "__version", "village", *HOUSEHOLD_PROPERTIES])
    for row in households.values_list(
        "address_code",
        "head_name",
        "house_number",
        "updated_at",
        "village__code",
        *HOUSEHOLD_PROPERTIES,
    ).iterator(chunk_size=2000):
        code, head, number, updated_at, village, *values = row
        label = " · ".join(part for part in (code, head, number) if part)
        writer.writerow(
            [
                code,
                label,
                entity_version(updated_at),
                village or "",
                *("" if v is None else v for v in values),
            ]
        )
    return buffer.getvalue().encode()


def collector_unit(*, user: Actor, form: SurveyForm) -> AdminUnit | None:
    """Where `user` collects `form`: the one unit of their collecting roles when it lies
    within the form's unit, else the form's unit (a province officer filling a commune's
    form); None on a nationwide form when they collect nationwide or in several units."""
    unit = scope_unit(user=user, permission=Permission.COLLECT_SURVEYS)
    if form.unit is None:
        return unit
    if unit is not None and form.unit.contains(unit):
        return unit
    return form.unit


def _villages_csv(user: Actor) -> bytes:
    """The collector's villages, for a form that places a household found in the field
    (select_one_from_file villages.csv, saved to `village`). Data for ODK Collect, as
    `_households_csv`: written as it is stored, not through `core.exports`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["name", "label"])
    for code, name in collector_villages(user=user).values_list("code", "name"):
        writer.writerow([code, name])
    return buffer.getvalue().encode()


def dataset_csv(*, user: Actor, version: FormVersion, dataset: str) -> bytes:
    """A file the platform writes for the collector in place of an upload. These are
    data for ODK Collect (households.csv, villages.csv, pyxform's itemsets.csv), not
    exports for a spreadsheet: they are written as stored, not through `core.exports`."""
    if dataset == "households":
        return _households_csv(user)
    if dataset == "villages":
        return _villages_csv(user)
    if dataset == "itemsets":
        return FormVersion.objects.values_list("itemsets", flat=True).get(pk=version.pk).encode()
    raise NotFound(dataset)


def dataset_hash(*, user: Actor, version: FormVersion, dataset: str) -> str:
    return md5_hash(dataset_csv(user=user, version=version, dataset=dataset))


def collector_entities_deleted(*, user: Actor, dataset: str, ids: list[str]) -> dict[str, bool]:
    """For each entity id a collector asks about (ODK's Integrity API), whether it is
    gone from their list. Only households are an entity list the platform keeps
    (NotFound otherwise). An id that is not on their list is gone, whether the
    household moved away, lies outside their villages or never existed: the answer
    reveals nothing of other villages."""
    if dataset != HOUSEHOLDS:
        raise NotFound(_("Không có danh sách thực thể “%(name)s”.") % {"name": dataset[:64]})
    households = collector_households(user=user).filter(status=HouseholdStatus.ACTIVE)
    on_list: set[str] = set()
    for start in range(0, len(ids), 500):
        on_list.update(
            households.filter(address_code__in=ids[start : start + 500]).values_list(
                "address_code", flat=True
            )
        )
    return {entity_id: entity_id not in on_list for entity_id in ids}


# ---------------------------------------------------------------------------------------
# Submissions and their review


def submission_list_for_user(
    *, user: Actor, permission: str = Permission.VIEW_SCOPED
) -> QuerySet[Submission]:
    """Submissions the user may see (or, with COLLECT_SURVEYS, a collector may edit),
    newest first; the rest as if they did not exist. Raw XML and attachments go with the
    submission: what it names is who sees it, as its reviewers review it.

    - About a household: where the household is now, in the user's subtree.
    - About no household yet, but placed (`Submission.place_at`): where it was made, in
      the user's subtree. A new household's submission waiting for approval, or refused
      for its values, lies in the village it names; one naming no village lies in the
      one unit where its collector collects (their commune, say), narrowed to the
      form's unit. A commune reviews its own teams' work, a village head their village's.
    - Placed nowhere (its collector collects in several units and the form is
      nationwide, or it was received before places were kept): only those whose scope
      covers the form's unit, its reviewers; for a nationwide form, central admins.
    - And a submission about no household is always seen by its collector, who typed it.
    """
    if not user.is_authenticated:
        return Submission.objects.none()
    about_households = Q(household__isnull=False) & unit_scope_q(
        user=user, permission=permission, prefix="household__"
    )
    no_household = Q(household__isnull=True)
    placed = (
        no_household & Q(province__isnull=False) & unit_scope_q(user=user, permission=permission)
    )
    unplaced = (
        no_household
        & Q(province__isnull=True)
        & unit_scope_q(user=user, permission=permission, prefix="form__unit__")
    )
    own = no_household & Q(collector=user.pk)
    return (
        Submission.objects.filter(about_households | placed | unplaced | own)
        .select_related("version__form", "household", "collector")
        .defer("xml", "household__location")
        .order_by("-received_at", "-pk")
    )


def submission_about_unit_q(unit: AdminUnit) -> Q:
    """Submissions about the households of `unit`'s subtree, or, about no household
    yet, made there (a new household's)."""
    return (Q(household__isnull=False) & unit.subtree_q("household__")) | (
        Q(household__isnull=True) & unit.subtree_q()
    )


@dataclass(frozen=True)
class SubmissionFilters:
    """What the submission list can be narrowed to; empty values filter nothing. `unit`
    is one the reader picked within their scope (the unit picker resolves it); outside
    it the list holds nothing more than the reader's own reach."""

    state: str = ""
    entity_state: str = ""
    unit: AdminUnit | None = None


def submission_list_filtered(*, user: Actor, filters: SubmissionFilters) -> QuerySet[Submission]:
    """`submission_list_for_user` narrowed to a review state, what became of the
    household values, and a unit: what the list page shows and the home counts."""
    rows = submission_list_for_user(user=user)
    if filters.state:
        rows = rows.filter(state=filters.state)
    if filters.entity_state:
        rows = rows.filter(entity_state=filters.entity_state)
    if filters.unit is not None:
        rows = rows.filter(submission_about_unit_q(filters.unit))
    return rows


def submission_get_for_user(*, user: Actor, pk: int) -> Submission:
    """One submission within the user's reach, with its comments; NotFound otherwise."""
    submission: Submission | None = (
        submission_list_for_user(user=user)
        .defer(None)
        .defer("household__location")
        .select_related(
            "resolved_by",
            "household__village",
            "household__commune",
            "village",
            "commune",
            "province",
        )
        .prefetch_related(
            Prefetch("comments", queryset=SubmissionComment.objects.select_related("author")),
            "attachments",
        )
        .filter(pk=pk)
        .first()
    )
    if submission is None:
        raise NotFound(_("Không tìm thấy bài khảo sát này."))
    return submission


def submission_attachment_get_for_user(
    *, user: Actor, submission_pk: int, pk: int
) -> SubmissionAttachment:
    """A file sent with a submission the user may see; NotFound otherwise, alike for
    one that does not exist and one outside their reach."""
    visible = submission_list_for_user(user=user).filter(pk=submission_pk).values("pk")
    attachment = SubmissionAttachment.objects.filter(pk=pk, submission__in=visible).first()
    if attachment is None:
        raise NotFound(_("Không tìm thấy tệp này."))
    return attachment


def submission_may_review(*, actor: Actor, submission: Submission) -> bool:
    """Reviewers (approve, reject, settle a conflict) are those who manage forms where
    the submission's household lies; for a submission about no household, where it was
    made (`submission_list_for_user`), or, placed nowhere, where the form is used."""
    if not actor.is_authenticated:
        return False
    unit: AdminUnit | None
    if submission.household_id:
        unit = submission.household.unit  # type: ignore[union-attr]  # household_id checked
    else:
        unit = submission.place or submission.version.form.unit
    if unit is None:
        return is_nationwide(user=actor, permission=Permission.MANAGE_FORMS)
    return user_has_unit_permission(user=actor, permission=Permission.MANAGE_FORMS, unit=unit)


def submission_review_check(*, actor: Actor, submission: Submission) -> None:
    if not submission_may_review(actor=actor, submission=submission):
        raise AccessDenied(_("Bạn không có quyền duyệt bài khảo sát này."))


@dataclass(frozen=True)
class FieldDifference:
    field: str
    label: str
    household_value: Any
    submitted_value: Any

    @property
    def differs(self) -> bool:
        return bool(self.household_value != self.submitted_value)


def submission_differences(*, submission: Submission) -> tuple[list[FieldDifference], int | None]:
    """For each household field the submission gives: the household's value now and the
    submitted one, and the household's version they were read at (what a reviewer
    settling a conflict compares)."""
    household = submission.household
    if household is None:
        return [], None
    household = Household.objects.get(pk=household.pk)
    fields = [f for f in submission.entity_values if f != "village"]
    current = household_current_values(household, fields)
    return [
        FieldDifference(
            field=f,
            label=field_label(f),
            household_value=current[f],
            submitted_value=submission.entity_values[f],
        )
        for f in fields
    ], entity_version(household.updated_at)


# ---------------------------------------------------------------------------------------
# Teams and their progress


def team_list_for_user(*, user: Actor) -> QuerySet[DigitalTeam]:
    """The digital teams of the communes in the user's scope."""
    if not user.is_authenticated:
        return DigitalTeam.objects.none()
    return (
        DigitalTeam.objects.filter(
            unit_scope_q(user=user, permission=Permission.VIEW_SCOPED, prefix="commune__")
        )
        .select_related("commune", "village")
        .defer("commune__boundary", "village__boundary")
        .order_by("commune__name", "village__name")
    )


def team_get_for_user(*, user: Actor, pk: int) -> DigitalTeam:
    team = (
        team_list_for_user(user=user)
        .prefetch_related("members", Prefetch("villages", queryset=_villages_by_name()))
        .filter(pk=pk)
        .first()
    )
    if team is None:
        raise NotFound(_("Không tìm thấy tổ công nghệ số này."))
    return team


def _villages_by_name() -> QuerySet[AdminUnit]:
    return AdminUnit.objects.defer("boundary").order_by("name")


@dataclass(frozen=True)
class VillageProgress:
    """Households visited in a village (each counted once, whatever the number of
    visits) out of those living there, and the last visit."""

    village_id: int
    code: str
    name: str
    households: int
    visited: int
    last_visit: dt.date | None

    @property
    def percent(self) -> float | None:
        return round(100 * self.visited / self.households, 1) if self.households else None


def village_progress(
    *, village_ids: list[int], since: dt.date | None = None
) -> list[VillageProgress]:
    """Progress of each village, counted in the database: two grouped queries whatever
    the number of villages and households."""
    households = dict(
        Household.objects.filter(village__in=village_ids, status=HouseholdStatus.ACTIVE)
        .values("village")
        .annotate(n=Count("pk"))
        .values_list("village", "n")
    )
    visits = Visit.objects.filter(village__in=village_ids, household__status=HouseholdStatus.ACTIVE)
    if since is not None:
        visits = visits.filter(visited_on__gte=since)
    visited: dict[int | None, tuple[int, dt.date]] = {
        village: (n, last)
        for village, n, last in visits.values("village")
        .annotate(n=Count("household", distinct=True), last=Max("visited_on"))
        .values_list("village", "n", "last")
    }
    return [
        VillageProgress(
            village_id=pk,
            code=code,
            name=name,
            households=households.get(pk, 0),
            visited=visited[pk][0] if pk in visited else 0,
            last_visit=visited[pk][1] if pk in visited else None,
        )
        for pk, code, name in AdminUnit.objects.filter(pk__in=village_ids)
        .order_by("name", "code")
        .values_list("pk", "code", "name")
    ]


@dataclass(frozen=True)
class TeamProgress:
    team: DigitalTeam
    villages: list[VillageProgress]

    @property
    def households(self) -> int:
        return sum(v.households for v in self.villages)

    @property
    def visited(self) -> int:
        return sum(v.visited for v in self.villages)

    @property
    def last_visit(self) -> dt.date | None:
        return max((v.last_visit for v in self.villages if v.last_visit), default=None)

    @property
    def percent(self) -> float | None:
        return round(100 * self.visited / self.households, 1) if self.households else None


def team_progress(*, teams: list[DigitalTeam], since: dt.date | None = None) -> list[TeamProgress]:
    """Progress of each team over its assigned villages, in a fixed number of queries."""
    assigned: dict[int, list[int]] = {}
    for team_id, village_id in DigitalTeam.villages.through.objects.filter(
        digitalteam__in=[t.pk for t in teams]
    ).values_list("digitalteam_id", "adminunit_id"):
        assigned.setdefault(team_id, []).append(village_id)
    by_village = {
        v.village_id: v
        for v in village_progress(
            village_ids=sorted({v for ids in assigned.values() for v in ids}), since=since
        )
    }
    return [
        TeamProgress(
            team=team,
            villages=sorted(
                (by_village[v] for v in assigned.get(team.pk, []) if v in by_village),
                key=lambda v: (v.name, v.code),
            ),
        )
        for team in teams
    ]


def team_visits(*, team: DigitalTeam, limit: int = 50) -> list[Visit]:
    """The team's latest visits."""
    return list(
        Visit.objects.filter(team=team)
        .select_related("household", "visitor", "village")
        .defer("household__location", "village__boundary")
        .order_by("-visited_on", "-pk")[:limit]
    )


def team_communes_for_manager(*, user: Actor) -> list[AdminUnit]:
    """Current communes where the user keeps digital teams (who grants team roles)."""
    if not user.is_authenticated:
        return []
    return list(
        AdminUnit.objects.current()
        .filter(level=Level.COMMUNE)
        .filter(unit_scope_q(user=user, permission=Permission.ASSIGN_ROLES))
        .defer("boundary")
        .order_by("name")[:200]
    )


def team_village_choices(*, communes: list[AdminUnit]) -> QuerySet[AdminUnit]:
    return (
        AdminUnit.objects.current()
        .filter(level=Level.VILLAGE, commune__in=communes)
        .select_related("commune")
        .defer("boundary", "commune__boundary")
        .order_by("commune__name", "name")
    )


def team_member_choices(*, communes: list[AdminUnit]) -> QuerySet[User]:
    """People holding the team role in these communes or their villages."""
    holders = RoleAssignment.objects.filter(role=Role.DIGITAL_TEAM_MEMBER).filter(
        Q(unit__in=communes) | Q(unit__commune__in=communes)
    )
    return User.objects.filter(pk__in=holders.values("user_id")).order_by("full_name", "username")


def team_member_counts(*, teams: list[DigitalTeam]) -> dict[int, int]:
    rows = (
        DigitalTeam.members.through.objects.filter(digitalteam__in=[t.pk for t in teams])
        .values("digitalteam")
        .annotate(n=Count("pk"))
    )
    return {row["digitalteam"]: row["n"] for row in rows}


def visit_activity_totals(*, helped_only: bool) -> list[ActivityTotal]:
    """Visits counted again from the visits themselves, per place and month, as
    `events.visit_counted` publishes them: at the visit's village (its commune and
    province), or, for a household of a commune without villages, at the household's
    commune. With `helped_only`, the visits that helped with digital skills."""
    visits = Visit.objects.all()
    if helped_only:
        visits = visits.exclude(help_given=[])
    rows = (
        visits.annotate(
            province=Coalesce("village__province_id", "household__province_id"),
            commune=Coalesce("village__commune_id", "household__commune_id"),
            unit=Coalesce("village_id", "household__commune_id"),
            month=TruncMonth("visited_on"),
        )
        .values_list("province", "commune", "unit", "month")
        .annotate(total=Count("pk"))
        .order_by()
    )
    return [(p, c, u, m, n) for p, c, u, m, n in rows]


# ---------------------------------------------------------------------------------------
# Encryption


@dataclass(frozen=True)
class FormEncryption:
    """How a form's submissions are encrypted, for its page."""

    managed_key: FormEncryptionKey | None
    # Versions carry a public key the platform has no private key for.
    self_supplied: bool
    waiting: int


def form_encryption(*, form: SurveyForm) -> FormEncryption:
    keys = list(form.encryption_keys.all())
    return FormEncryption(
        managed_key=next((k for k in keys if k.managed), None),
        self_supplied=any(not k.managed for k in keys),
        waiting=Submission.objects.filter(
            version__form=form, state=Submission.State.ENCRYPTED
        ).count(),
    )
