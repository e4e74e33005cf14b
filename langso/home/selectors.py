"""What a signed-in user's home shows: the roles they may open a home for, the one in
use (chosen in the session, or their only one), what needs them now on that role's unit,
and the navigation that leads to that unit's pages.

Every figure comes from the owning app's access selector, so the home shows nothing the
user could not open; counts of long lists stop at `CAP` (no full COUNT on every load).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from langso.accounts.roles import Permission, Role
from langso.accounts.selectors import (
    is_nationwide,
    role_list_for_user,
    user_has_permission_somewhere,
)
from langso.core.actors import Actor
from langso.core.errors import DomainError, NotFound
from langso.core.models import Job
from langso.core.selectors import jobs_unfinished_for_user
from langso.criteria.evaluation.engine import evaluate
from langso.criteria.evaluation.matrix import province_matrix
from langso.criteria.evaluation.results import CriterionResult, Evaluation
from langso.criteria.evaluation.statuses import PASS, Status
from langso.criteria.evaluation.units import is_subject, not_a_subject_reason
from langso.criteria.models import CriteriaSet
from langso.criteria.selectors.sets import criteria_set_choose
from langso.places.models import AdminUnit, Level
from langso.places.selectors import today, unit_children
from langso.recognition.selectors.board import BoardRow, dossiers_for_role
from langso.registry.models import Household
from langso.registry.selectors.households import HouseholdFilters, household_list_for_user
from langso.surveys.models import EntityState, Submission, SurveyForm
from langso.surveys.selectors import (
    SubmissionFilters,
    TeamProgress,
    submission_list_filtered,
    team_list_for_user,
    team_progress,
)
from langso.surveys.selectors_worklist import household_survey_for_user, worklist_for_user

# Long lists are counted up to here and shown as "CAP+": a home answers on every load.
CAP = 99
# How many rows of each section the home lists before its link to the full page.
SHOWN = 5

# What kind of home a role opens: the country's, a province's, a commune officer's, a
# collector's (door to door), a commune's pages to view, or the recognition dossiers
# waiting for one of the procedure's roles (issue 16).
NATIONAL, PROVINCE, COMMUNE, COLLECTOR, VIEWER, DOSSIERS = (
    "national",
    "province",
    "commune",
    "collector",
    "viewer",
    "dossiers",
)
_KINDS: dict[str, str] = {
    Role.CENTRAL_ADMIN: NATIONAL,
    Role.PROVINCE_OFFICER: PROVINCE,
    Role.COMMUNE_OFFICER: COMMUNE,
    Role.DIGITAL_TEAM_MEMBER: COLLECTOR,
    Role.VILLAGE_HEAD: COLLECTOR,
    Role.COOPERATIVE_MANAGER: VIEWER,
    Role.COMMUNE_LEADER: DOSSIERS,
    Role.PROVINCE_APPRAISER: DOSSIERS,
    Role.PROVINCE_LEADER: DOSSIERS,
}
# Widest first: the role a user with several lands on in the navigation until they choose.
_ORDER = [
    Role.CENTRAL_ADMIN,
    Role.PROVINCE_OFFICER,
    Role.PROVINCE_LEADER,
    Role.PROVINCE_APPRAISER,
    Role.COMMUNE_OFFICER,
    Role.COMMUNE_LEADER,
    Role.VILLAGE_HEAD,
    Role.DIGITAL_TEAM_MEMBER,
    Role.COOPERATIVE_MANAGER,
]


@dataclass(frozen=True)
class HomeRole:
    """A role the user may open a home for; `assignment_id` is None only for a
    superuser holding no central-admin role (they count as one)."""

    assignment_id: int | None
    role: str
    unit: AdminUnit | None

    @property
    def key(self) -> int:
        """What a link to this role's home carries (0: a superuser's country)."""
        return self.assignment_id or 0

    @property
    def kind(self) -> str:
        return _KINDS[self.role]

    @property
    def label(self) -> str:
        return str(Role(self.role).label)

    @property
    def place(self) -> str:
        """The unit's Vietnamese name, or the whole country."""
        return self.unit.name if self.unit is not None else _("Toàn quốc")


def home_roles(*, user: Actor) -> list[HomeRole]:
    """The roles `user` may open a home for, widest first; none for anonymous users."""
    roles = [
        HomeRole(assignment_id=a.pk, role=a.role, unit=a.unit)
        for a in role_list_for_user(user=user)
    ]
    # An active superuser counts as a central admin (as `accounts.selectors` has it).
    superuser = user.is_authenticated and user.is_active and getattr(user, "is_superuser", False)
    if superuser and not any(r.role == Role.CENTRAL_ADMIN for r in roles):
        roles.append(HomeRole(assignment_id=None, role=Role.CENTRAL_ADMIN, unit=None))
    return sorted(
        roles,
        key=lambda r: (_ORDER.index(Role(r.role)), r.place, r.key),
    )


def home_role_get(*, user: Actor, assignment_id: int) -> HomeRole:
    """One of the user's own roles; another's, or none, is NotFound."""
    for role in home_roles(user=user):
        if role.key == assignment_id:
            return role
    raise NotFound(_("Bạn không có vai trò này."))


def home_role_current(*, user: Actor, chosen: int | None) -> HomeRole | None:
    """The role whose home `user` lands on: the one chosen (if still theirs), else their
    only role; None when they hold several and have not chosen, or none at all."""
    roles = home_roles(user=user)
    if chosen is not None:
        for role in roles:
            if role.key == chosen:
                return role
    return roles[0] if len(roles) == 1 else None


def home_role_for_navigation(*, user: Actor, chosen: int | None) -> HomeRole | None:
    """The role whose unit the navigation leads to: the current one, else the widest."""
    current = home_role_current(user=user, chosen=chosen)
    if current is not None:
        return current
    roles = home_roles(user=user)
    return roles[0] if roles else None


# --- Navigation -----------------------------------------------------------------------


# The navigation item of the home, marked current on every page that shows a home.
HOME_NAV_KEY = "home"


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url: str


def _indicators_url(role: HomeRole) -> str:
    if role.unit is None:
        return reverse("indicators:list")
    return reverse("indicators:unit", args=[role.unit.code])


def criteria_url(unit: AdminUnit | None) -> str:
    """A unit's own criteria page: a province's matrix, a commune's scorecard, a
    village's checklist; the catalogue for the whole country."""
    if unit is None:
        return reverse("criteria:list")
    pages: dict[str, str] = {Level.PROVINCE: "criteria:matrix", Level.VILLAGE: "criteria:village"}
    name = pages.get(unit.level, "criteria:scorecard")
    return reverse(name, args=[unit.code])


@dataclass(frozen=True)
class UnitPages:
    """The links of a home's "pages" section: the unit's own pages for this kind of role."""

    title: str
    links: list[NavItem]


def unit_pages(role: HomeRole) -> UnitPages | None:
    """The pages a role's home links to besides what needs the user now; None for the
    national home, which lists the provinces instead."""
    unit = role.unit
    if unit is None or role.kind == NATIONAL:
        return None
    households = NavItem(
        "households",
        _("Danh sách hộ"),
        f"{reverse('registry:household-list')}?{urlencode({'unit': unit.code})}",
    )
    registries = NavItem("registries", _("Sổ đăng ký"), reverse("registry:index"))
    map_page = NavItem("map", _("Bản đồ"), reverse("registry:map"))
    # Issue 18: the unit's announcements, where an officer composes one.
    announcements = NavItem(
        "announcements",
        _("Thông báo"),
        f"{reverse('announcements:list')}?{urlencode({'unit': unit.code})}",
    )
    forms = NavItem("surveys", _("Biểu mẫu khảo sát"), reverse("surveys:form-list"))
    criteria = NavItem("criteria", _("Tiêu chí NTM"), criteria_url(unit))
    unit_page = reverse("places:unit-detail", args=[unit.code])
    indicators = reverse("indicators:unit", args=[unit.code])
    # Issue 18: what the outbox could not deliver, for the officers who keep contacts.
    dead_letters = NavItem(
        "dead-letters", _("Tin nhắn gửi không được"), reverse("messaging:dead-letters")
    )
    if role.kind == PROVINCE or (role.kind == DOSSIERS and unit.level == Level.PROVINCE):
        return UnitPages(
            _("Trang của tỉnh"),
            [
                NavItem("indicators", _("Chỉ số của tỉnh"), indicators),
                households,
                map_page,
                registries,
                NavItem("unit", _("Các xã của tỉnh"), unit_page),
                NavItem("teams", _("Tổ công nghệ số cộng đồng"), reverse("surveys:team-list")),
                dead_letters,
                announcements,
            ],
        )
    commune_indicators = NavItem("indicators", _("Chỉ số của xã"), indicators)
    villages = NavItem("unit", _("Các thôn của xã"), unit_page)
    if role.kind == COMMUNE:
        return UnitPages(
            _("Trang của xã"),
            [
                households,
                announcements,
                registries,
                map_page,
                commune_indicators,
                villages,
                forms,
                dead_letters,
            ],
        )
    if role.kind == COLLECTOR:
        return UnitPages(_("Trang khác"), [households, map_page, forms, criteria])
    registries = NavItem(
        "registries", _("Sổ đăng ký (hợp tác xã, sản phẩm…)"), reverse("registry:index")
    )
    return UnitPages(
        _("Trang của xã"),
        [registries, households, map_page, commune_indicators, criteria, villages],
    )


# Roles that have recognition dossiers to see: the procedure's actors, and the province's
# and country's officers who follow them.
DOSSIER_ROLES = frozenset(
    {
        Role.CENTRAL_ADMIN,
        Role.PROVINCE_OFFICER,
        Role.COMMUNE_OFFICER,
        Role.COMMUNE_LEADER,
        Role.PROVINCE_APPRAISER,
        Role.PROVINCE_LEADER,
    }
)
# Who follows the plans of their unit and its province from the navigation (issue 17).
PLAN_ROLES = frozenset(
    {
        Role.CENTRAL_ADMIN,
        Role.PROVINCE_OFFICER,
        Role.PROVINCE_LEADER,
        Role.COMMUNE_OFFICER,
        Role.COMMUNE_LEADER,
    }
)


def navigation(*, user: Actor, chosen: int | None) -> list[NavItem]:
    """The main navigation of `user`: their home and their own unit's pages; the
    indicator definitions and the criteria catalogue only for those who maintain them
    (for everyone else they are one level deeper, linked from the home). Anonymous
    visitors get the public list of units."""
    if not user.is_authenticated:
        return [NavItem("units", _("Đơn vị hành chính"), reverse("places:unit-list"))]
    items = [NavItem(HOME_NAV_KEY, _("Trang của tôi"), reverse("home:home"))]
    role = home_role_for_navigation(user=user, chosen=chosen)
    if role is None:
        return items
    items += [
        NavItem("households", _("Hộ gia đình"), reverse("registry:household-list")),
        NavItem("registries", _("Sổ đăng ký"), reverse("registry:index")),
        NavItem("map", _("Bản đồ"), reverse("registry:map")),
        NavItem("surveys", _("Khảo sát"), reverse("surveys:form-list")),
        NavItem("indicators", _("Chỉ số"), _indicators_url(role)),
        NavItem("criteria", _("Tiêu chí NTM"), criteria_url(role.unit)),
    ]
    if role.role in DOSSIER_ROLES:
        items.append(NavItem("dossiers", _("Hồ sơ công nhận"), reverse("recognition:board")))
    if role.role in PLAN_ROLES:
        # Issue 17: the plans of the role's unit and of the province above it.
        items.append(NavItem("plans", _("Kế hoạch"), reverse("plans:list")))
    if role.unit is not None:
        if is_nationwide(user=user, permission=Permission.DEFINE_INDICATORS):
            items.append(NavItem("definitions", _("Định nghĩa chỉ số"), reverse("indicators:list")))
        if user_has_permission_somewhere(user=user, permission=Permission.DEFINE_CRITERIA):
            items.append(NavItem("catalogue", _("Danh mục tiêu chí"), reverse("criteria:list")))
    if user_has_permission_somewhere(user=user, permission=Permission.ASSIGN_ROLES):
        # Who grants a unit's roles keeps its people's training records (issue 17).
        items.append(NavItem("training", _("Tập huấn"), reverse("plans:training")))
        items.append(NavItem("roles", _("Phân quyền"), reverse("accounts:role-list")))
    return items


# --- What the home shows --------------------------------------------------------------


@dataclass(frozen=True)
class Count:
    """A count that stops at CAP: shown as "99+" past it."""

    value: int
    more: bool = False

    def __str__(self) -> str:
        return f"{self.value}+" if self.more else str(self.value)

    def __bool__(self) -> bool:
        return self.value > 0


def _count(rows: QuerySet[Submission]) -> Count:
    found = len(rows.values_list("pk", flat=True)[: CAP + 1])
    return Count(min(found, CAP), more=found > CAP)


@dataclass(frozen=True)
class Missing:
    result: CriterionResult
    label: str


@dataclass(frozen=True)
class Scorecard:
    """A commune against the set chosen for it: met/total, what is missing first."""

    criteria_set: CriteriaSet | None
    evaluation: Evaluation | None
    problem: str = ""
    mostly_unknown: bool = False

    @property
    def missing(self) -> list[Missing]:
        """The criteria not met, failures first, as many as a home lists."""
        short = self.evaluation.short[:SHOWN] if self.evaluation else []
        return [Missing(result=c, label=str(Status(c.status).label)) for c in short]

    @property
    def more_missing(self) -> int:
        return max(0, len(self.evaluation.short) - SHOWN) if self.evaluation else 0

    @property
    def status_label(self) -> str:
        return str(Status(self.evaluation.status).label) if self.evaluation else ""


def commune_scorecard(*, unit: AdminUnit, year: int) -> Scorecard:
    """The commune against the set `criteria_set_choose` shows by default for the year."""
    if not is_subject(unit):
        return Scorecard(criteria_set=None, evaluation=None, problem=not_a_subject_reason(unit))
    choice = criteria_set_choose(province=unit.province, level=unit.level, year=year)
    if choice.chosen is None:
        return Scorecard(criteria_set=None, evaluation=None, problem=choice.problem)
    try:
        evaluation = evaluate(code=choice.chosen.code, units=[unit], year=year)[0]
    except DomainError as exc:
        return Scorecard(criteria_set=choice.chosen, evaluation=None, problem=exc.message)
    return Scorecard(
        criteria_set=choice.chosen, evaluation=evaluation, mostly_unknown=choice.mostly_unknown
    )


@dataclass(frozen=True)
class Submissions:
    """Submissions about the unit waiting for an officer: not yet reviewed, with
    issues, and household values in conflict; each links to the submission list with
    the same filters, so that the page holds what the home counts."""

    unit: AdminUnit
    received: Count
    has_issues: Count
    conflicts: Count

    def __bool__(self) -> bool:
        return bool(self.received or self.has_issues or self.conflicts)

    def _url(self, **filters: str) -> str:
        query = urlencode({"unit": self.unit.code, **filters})
        return f"{reverse('surveys:submission-list')}?{query}"

    @property
    def received_url(self) -> str:
        return self._url(state=_RECEIVED)

    @property
    def has_issues_url(self) -> str:
        return self._url(state=_HAS_ISSUES)

    @property
    def conflicts_url(self) -> str:
        return self._url(entity_state=_CONFLICT)

    @property
    def all_url(self) -> str:
        return self._url()


_RECEIVED, _HAS_ISSUES, _CONFLICT = (
    Submission.State.RECEIVED.value,
    Submission.State.HAS_ISSUES.value,
    EntityState.CONFLICT.value,
)


def submissions_waiting(*, user: Actor, unit: AdminUnit) -> Submissions:
    """Among the submissions `user` may see, those about households of `unit`, or made
    there (a new household's), that wait for a review or a conflict's resolution: the
    submission list's own filters (`submission_list_filtered`)."""

    def count(**filters: str) -> Count:
        rows = submission_list_filtered(user=user, filters=SubmissionFilters(unit=unit, **filters))
        return _count(rows)

    return Submissions(
        unit=unit,
        received=count(state=_RECEIVED),
        has_issues=count(state=_HAS_ISSUES),
        conflicts=count(entity_state=_CONFLICT),
    )


def likely_duplicates(*, user: Actor, unit: AdminUnit) -> tuple[list[Household], bool]:
    """The first households of `unit` with an open likely-duplicate flag, and whether
    there are more (the household list, filtered, is the full page)."""
    page = household_list_for_user(
        user=user, filters=HouseholdFilters(unit=unit.code, duplicates=True), limit=SHOWN
    )
    return page.rows, page.next_after is not None


def teams_of_commune(*, user: Actor, unit: AdminUnit) -> list[TeamProgress]:
    """The digital teams of `unit` and how far each has got with its villages."""
    teams = list(team_list_for_user(user=user).filter(commune=unit)[:20])
    return team_progress(teams=teams)


@dataclass(frozen=True)
class StepLink:
    label: str
    count: int
    url: str


@dataclass(frozen=True)
class DossierWork:
    """Recognition dossiers under the role's unit that wait for the role (every open one
    for the commune officer): counted by step, each count opening the board filtered
    by that step, and the first few, overdue first, each opening the dossier."""

    steps: list[StepLink]
    rows: list[BoardRow]
    total: int
    board_url: str
    # Where the commune officer opens the commune's next dossier ("" for other roles).
    open_url: str = ""

    @property
    def more(self) -> int:
        return max(0, self.total - len(self.rows))


def dossier_work(*, user: Actor, role: HomeRole) -> DossierWork | None:
    """The dossiers a role's home lists; None for roles with no unit or none to see."""
    if role.unit is None or role.role not in DOSSIER_ROLES:
        return None
    waiting_for = None if role.role == Role.COMMUNE_OFFICER else role.role
    found = dossiers_for_role(user=user, unit=role.unit, role=waiting_for, shown=SHOWN)
    board = reverse("recognition:board")
    return DossierWork(
        steps=[
            StepLink(s.label, s.count, f"{board}?{urlencode({'buoc': s.step})}")
            for s in found.steps
        ],
        rows=found.rows,
        total=found.total,
        board_url=board,
        open_url=(
            f"{reverse('recognition:dossier-open')}?{urlencode({'don-vi': role.unit.code})}"
            if role.role == Role.COMMUNE_OFFICER
            else ""
        ),
    )


@dataclass(frozen=True)
class CommuneHome:
    unit: AdminUnit
    year: int
    scorecard: Scorecard
    submissions: Submissions
    duplicates: list[Household]
    more_duplicates: bool
    jobs: list[Job]
    teams: list[TeamProgress]
    dossiers: DossierWork | None = None


def commune_home(
    *, user: Actor, unit: AdminUnit, year: int, role: HomeRole | None = None
) -> CommuneHome:
    duplicates, more = likely_duplicates(user=user, unit=unit)
    return CommuneHome(
        unit=unit,
        year=year,
        scorecard=commune_scorecard(unit=unit, year=year),
        submissions=submissions_waiting(user=user, unit=unit),
        duplicates=duplicates,
        more_duplicates=more,
        jobs=jobs_unfinished_for_user(user=user),
        teams=teams_of_commune(user=user, unit=unit),
        dossiers=dossier_work(user=user, role=role) if role is not None else None,
    )


@dataclass(frozen=True)
class ProvinceHome:
    """The province's communes against the set shown by default: how many meet it, of
    how many the set applies to, who was left out, and the communes furthest from it."""

    unit: AdminUnit
    year: int
    criteria_set: CriteriaSet | None
    passed: int = 0
    communes: int = 0
    missing_one: int = 0
    left_out_count: int = 0
    left_out_note: str = ""
    attention: list[Evaluation] = field(default_factory=list)
    problem: str = ""
    jobs: list[Job] = field(default_factory=list)


def province_home(*, user: Actor, unit: AdminUnit, year: int) -> ProvinceHome:
    """Reads the province's matrix (`criteria.evaluation.matrix`): one evaluation of its
    communes per load; `python -m bench home` measures it for a province of 100."""
    jobs = jobs_unfinished_for_user(user=user)
    choice = criteria_set_choose(province=unit, level=Level.COMMUNE, year=year)
    if choice.chosen is None:
        return ProvinceHome(
            unit=unit, year=year, criteria_set=None, problem=choice.problem, jobs=jobs
        )
    try:
        matrix = province_matrix(province=unit, code=choice.chosen.code, year=year)
    except DomainError as exc:
        return ProvinceHome(
            unit=unit, year=year, criteria_set=choice.chosen, problem=exc.message, jobs=jobs
        )
    short = [row for row in matrix.rows if row.status != PASS]
    attention = sorted(short, key=lambda row: (row.passed - row.total, row.unit.name))
    return ProvinceHome(
        unit=unit,
        year=year,
        criteria_set=matrix.criteria_set,
        passed=len(matrix.rows) - len(short),
        communes=len(matrix.rows),
        missing_one=len(matrix.missing_one),
        left_out_count=matrix.subjects.left_out_count,
        left_out_note=matrix.subjects.left_out_note,
        attention=attention[:SHOWN],
        jobs=jobs,
    )


@dataclass(frozen=True)
class CollectorHome:
    """A door-to-door collector's next households, the survey to fill, their teams."""

    village: AdminUnit | None
    villages: int
    households: list[Household]
    more_households: bool
    survey: SurveyForm | None
    teams: list[TeamProgress]


def collector_home(*, user: Actor) -> CollectorHome:
    worklist = worklist_for_user(user=user, limit=SHOWN)
    teams = list(team_list_for_user(user=user).filter(members=user.pk)[:20])
    return CollectorHome(
        village=worklist.village,
        villages=len(worklist.villages),
        households=worklist.households,
        more_households=worklist.next_after is not None,
        survey=household_survey_for_user(user=user),
        teams=team_progress(teams=teams),
    )


def national_provinces(*, day: dt.date | None = None) -> QuerySet[AdminUnit]:
    """The provinces in force, for a central admin's national home."""
    return unit_children(unit=None, valid_on=day or today())


def home_year() -> int:
    return timezone.localdate().year
