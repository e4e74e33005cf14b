"""Training records: courses, their sessions, who attended (accounts, with their
certificates) and how many residents of each village a session trained. Attendance
moves the training indicators (`plans.activity`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from langso.accounts.roles import Role
from langso.core.files import RandomName
from langso.places.models import AdminUnit


class Audience(models.TextChoices):
    OFFICERS = "officers", _("Cán bộ")
    DIGITAL_TEAMS = "digital_teams", _("Thành viên tổ công nghệ số cộng đồng")
    RESIDENTS = "residents", _("Người dân")


class Course(models.Model):
    """A training course (khoá tập huấn) a unit organises, held in one or more sessions."""

    topic = models.CharField(_("chủ đề"), max_length=200)
    description = models.TextField(_("mô tả"), blank=True)
    organiser = models.ForeignKey(
        AdminUnit,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("đơn vị tổ chức"),
    )
    audience = models.CharField(_("đối tượng"), max_length=16, choices=Audience.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("khoá tập huấn")
        verbose_name_plural = _("khoá tập huấn")
        indexes = [models.Index(fields=["organiser", "created_at"], name="course_organiser")]

    def __str__(self) -> str:
        return self.topic


class Session(models.Model):
    """One sitting of a course: where, when and by whom. Its last day is the day its
    trainees count as trained."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    unit = models.ForeignKey(
        AdminUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"))
    place = models.CharField(_("địa điểm"), max_length=200)
    trainer = models.CharField(_("giảng viên"), max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("buổi tập huấn")
        verbose_name_plural = _("buổi tập huấn")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="session_dates_ordered"
            )
        ]
        indexes = [models.Index(fields=["unit", "ends_on"], name="session_unit_day")]

    def __str__(self) -> str:
        return f"{self.course.topic} ({self.starts_on:%d/%m/%Y})"


class Attendance(models.Model):
    """An account on a session's list: whether they attended, with the role they held
    then, and the certificate they were given."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="attendances")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="training_attendances"
    )
    role = models.CharField(_("vai trò khi tham dự"), max_length=32)
    attended = models.BooleanField(_("có tham dự"), default=True)
    certificate_number = models.CharField(_("số chứng chỉ"), max_length=64, blank=True)
    certificate_file = models.FileField(
        _("tệp chứng chỉ"), upload_to=RandomName("dao-tao/chung-chi"), blank=True
    )
    certificate_name = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = _("tham dự tập huấn")
        verbose_name_plural = _("tham dự tập huấn")
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="attendance_once")]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.session_id}"

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)


class ResidentAttendance(models.Model):
    """How many residents of a village a session trained (on a topic, if given). Decree
    13/2023 on personal data: residents are counted, not listed."""

    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, related_name="resident_attendances"
    )
    village = models.ForeignKey(
        AdminUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("thôn")
    )
    topic = models.CharField(_("chủ đề"), max_length=200, blank=True)
    residents = models.PositiveIntegerField(_("số người dân"))

    class Meta:
        verbose_name = _("người dân được tập huấn")
        verbose_name_plural = _("người dân được tập huấn")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "village", "topic"], name="resident_attendance_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.village_id} @ {self.session_id}: {self.residents}"
