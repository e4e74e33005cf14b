"""Roles, where they may be held, what they allow, and who may grant them. The one table
that the access layer reads."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from langso.places.models import Level


class Role(models.TextChoices):
    CENTRAL_ADMIN = "central_admin", _("Quản trị trung ương")
    PROVINCE_OFFICER = "province_officer", _("Cán bộ tỉnh")
    COMMUNE_OFFICER = "commune_officer", _("Cán bộ xã")
    VILLAGE_HEAD = "village_head", _("Trưởng thôn")
    DIGITAL_TEAM_MEMBER = "digital_team_member", _("Thành viên tổ công nghệ số cộng đồng")
    COOPERATIVE_MANAGER = "cooperative_manager", _("Quản lý hợp tác xã")
    # The recognition procedure's actors (issue 16): who signs the commune's dossier
    # off, who appraises it for the province, and who decides.
    COMMUNE_LEADER = "commune_leader", _("Lãnh đạo UBND xã")
    PROVINCE_APPRAISER = "province_appraiser", _("Cán bộ thẩm định của tỉnh")
    PROVINCE_LEADER = "province_leader", _("Lãnh đạo UBND tỉnh")


class Permission(models.TextChoices):
    """What a role allows inside its unit's subtree."""

    VIEW_SCOPED = "view_scoped", _("Xem dữ liệu trong phạm vi")
    MANAGE_VILLAGES = "manage_villages", _("Quản lý thôn")
    SET_COMMUNE_GROUP = "set_commune_group", _("Xếp nhóm xã")
    IMPORT_BOUNDARIES = "import_boundaries", _("Nhập ranh giới")
    ASSIGN_ROLES = "assign_roles", _("Phân quyền")
    MANAGE_REGISTRIES = "manage_registries", _("Quản lý sổ đăng ký (hộ, HTX, tàu cá…)")
    MANAGE_FORMS = "manage_forms", _("Quản lý biểu mẫu khảo sát")
    COLLECT_SURVEYS = "collect_surveys", _("Thu thập khảo sát (ODK Collect, biểu mẫu web)")
    REPORT_INDICATORS = "report_indicators", _("Nhập số liệu báo cáo chỉ số")
    # Held nationwide only (central admins): definitions and periods are the country's.
    DEFINE_INDICATORS = "define_indicators", _("Định nghĩa chỉ số, chốt kỳ số liệu")
    # Nationwide: the national criteria sets; on a province: the province's own sets
    # and the thresholds the national text leaves to it.
    DEFINE_CRITERIA = "define_criteria", _("Ban hành bộ tiêu chí và ngưỡng")
    ASSESS_CRITERIA = "assess_criteria", _("Đánh giá chỉ tiêu NTM")


# The level of unit each role is held on. Central admins hold their role on no unit:
# it reaches the whole country.
ROLE_LEVELS: dict[str, tuple[str, ...]] = {
    Role.CENTRAL_ADMIN: (),
    Role.PROVINCE_OFFICER: (Level.PROVINCE,),
    Role.COMMUNE_OFFICER: (Level.COMMUNE,),
    Role.VILLAGE_HEAD: (Level.VILLAGE,),
    Role.DIGITAL_TEAM_MEMBER: (Level.COMMUNE, Level.VILLAGE),
    Role.COOPERATIVE_MANAGER: (Level.COMMUNE,),
    Role.COMMUNE_LEADER: (Level.COMMUNE,),
    Role.PROVINCE_APPRAISER: (Level.PROVINCE,),
    Role.PROVINCE_LEADER: (Level.PROVINCE,),
}

_ALL = frozenset(Permission)
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.CENTRAL_ADMIN: _ALL,
    Role.PROVINCE_OFFICER: _ALL - {Permission.DEFINE_INDICATORS},
    Role.COMMUNE_OFFICER: frozenset(
        {
            Permission.VIEW_SCOPED,
            Permission.MANAGE_VILLAGES,
            Permission.ASSIGN_ROLES,
            Permission.MANAGE_REGISTRIES,
            Permission.MANAGE_FORMS,
            Permission.COLLECT_SURVEYS,
            Permission.REPORT_INDICATORS,
            Permission.ASSESS_CRITERIA,
        }
    ),
    # The village head keeps the village's own lists.
    Role.VILLAGE_HEAD: frozenset(
        {Permission.VIEW_SCOPED, Permission.MANAGE_REGISTRIES, Permission.COLLECT_SURVEYS}
    ),
    # Community digital-technology teams go door to door with the survey forms.
    Role.DIGITAL_TEAM_MEMBER: frozenset({Permission.VIEW_SCOPED, Permission.COLLECT_SURVEYS}),
    Role.COOPERATIVE_MANAGER: frozenset({Permission.VIEW_SCOPED}),
    # What each may do in the recognition procedure is the procedure's to say (its
    # steps name the role); outside it, they read their unit's data.
    Role.COMMUNE_LEADER: frozenset({Permission.VIEW_SCOPED}),
    Role.PROVINCE_APPRAISER: frozenset({Permission.VIEW_SCOPED}),
    Role.PROVINCE_LEADER: frozenset({Permission.VIEW_SCOPED}),
}

# Roles a holder may grant (always on a unit inside the holder's own scope): never a
# role above one's own, so scope cannot be widened by granting.
GRANTABLE_ROLES: dict[str, frozenset[str]] = {
    Role.CENTRAL_ADMIN: frozenset(Role),
    Role.PROVINCE_OFFICER: frozenset(
        {
            Role.PROVINCE_OFFICER,
            Role.COMMUNE_OFFICER,
            Role.VILLAGE_HEAD,
            Role.DIGITAL_TEAM_MEMBER,
            Role.COOPERATIVE_MANAGER,
            Role.COMMUNE_LEADER,
            Role.PROVINCE_APPRAISER,
            Role.PROVINCE_LEADER,
        }
    ),
    Role.COMMUNE_OFFICER: frozenset(
        {
            Role.COMMUNE_OFFICER,
            Role.VILLAGE_HEAD,
            Role.DIGITAL_TEAM_MEMBER,
            Role.COOPERATIVE_MANAGER,
        }
    ),
    Role.VILLAGE_HEAD: frozenset(),
    Role.DIGITAL_TEAM_MEMBER: frozenset(),
    Role.COOPERATIVE_MANAGER: frozenset(),
    Role.COMMUNE_LEADER: frozenset(),
    Role.PROVINCE_APPRAISER: frozenset(),
    Role.PROVINCE_LEADER: frozenset(),
}

# Roles whose holders may (and, once enrolled, must) sign in with a code from an
# authenticator app after the password: those that reach a whole province or more.
TWO_FACTOR_ROLES: frozenset[str] = frozenset(
    {Role.CENTRAL_ADMIN, Role.PROVINCE_OFFICER, Role.PROVINCE_APPRAISER, Role.PROVINCE_LEADER}
)
