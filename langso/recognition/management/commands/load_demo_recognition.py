"""The demo's recognition dossiers, in the demo province (Ninh Bình, 37), for the shipped
2026–2030 commune set and 2026, walked through the services exactly as officers would:

- the province's residents' satisfaction threshold entered — a demo value (70%), which
  no text gives (the shipped procedure leaves it unknown) — and every commune used here
  reporting its satisfaction ballots;
- the demo commune (demo.xa's): a dossier in appraisal after one supplement round (the
  province returned it, the commune revised criterion 4 and resubmitted);
- the next commune: recognised;
- the one after: recognised, then an assessment changed (criterion 5 no longer met), so
  that its live evaluation fails and the province's list flags it at risk.

The only write outside the services moves the consultation's end (`step_due_on`) to
today: the procedure keeps the report posted for 15 days before the consultation may
close, and a demo cannot wait. Every other date is today's.

The two other communes' officer and leader are created without a password (they cannot
sign in; the demo accounts of `load_demo` are the demo commune's). Run after load_demo,
load_indicator_definitions, load_demo_criteria and load_procedures. A commune that has a
dossier for the set and year is left as it is: rerunning adds nothing."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape

from langso.accounts.models import User
from langso.accounts.roles import Permission, Role
from langso.accounts.selectors import scope_unit, user_get_by_username
from langso.accounts.services import user_create
from langso.core.errors import DomainError
from langso.core.pdf import pdf_from_html
from langso.criteria.models import CriteriaSet
from langso.criteria.selectors.sets import criteria_set_in_force
from langso.criteria.services import assessment_record
from langso.indicators.services.reported import reported_value_set
from langso.places.models import AdminUnit, Kind, Level
from langso.recognition.models import Comment, Dossier, Step
from langso.recognition.selectors.procedures import procedure_in_force, procedure_spec
from langso.recognition.selectors.recognitions import recognitions_at_risk
from langso.recognition.services.appraisal import (
    appraisal_conclude,
    decision_record,
    dossier_resubmit,
    dossier_return,
    field_visit_record,
    finding_record,
)
from langso.recognition.services.comments import comment_answer, comment_post
from langso.recognition.services.dossiers import (
    OTHER_DOCUMENT,
    consultation_close,
    document_upload,
    dossier_open,
    dossier_publish,
    dossier_submit,
)
from langso.recognition.services.procedures import SATISFACTION_INDICATOR, procedure_threshold_set

SET_CODE = "xa_ntm_2026_2030"
YEAR = 2026
# A demo value, said so wherever it shows: no text read gives a commune's share.
DEMO_THRESHOLD = Decimal(70)
THRESHOLD_NOTE = "Ngưỡng minh họa của bản demo, không phải quy định của tỉnh."
DEMO_NOTE = "Dữ liệu minh họa"
# The criterion the at-risk commune no longer meets, and the one the appraisal
# questions in the demo commune's first round.
FAILING_CRITERION = "5"
QUESTIONED_CRITERION = "4"
# An address of the documentation range (RFC 5737): the demo's comments come from no one.
COMMENT_ADDRESS = "192.0.2.1"


@dataclass(frozen=True)
class DemoCommune:
    unit: AdminUnit
    officer: User
    leader: User
    satisfied: int  # of 480 ballots


@dataclass(frozen=True)
class DemoActors:
    province: AdminUnit
    province_officer: User
    appraiser: User
    province_leader: User
    admin: User


class Command(BaseCommand):
    help = (
        "Nạp hồ sơ công nhận demo ở tỉnh demo: một xã đang thẩm định sau một vòng bổ sung, "
        "một xã đã được công nhận, một xã đã công nhận nay có nguy cơ không giữ chuẩn "
        "(chạy sau load_demo, load_demo_criteria, load_procedures; chạy lại không thêm gì)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Cho phép chạy khi DEBUG tắt (chỉ trên máy demo, không bao giờ trên máy thật).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DEBUG đang tắt: đây có thể là máy thật. Hồ sơ demo là dữ liệu minh họa; "
                "chỉ chạy với --force trên máy demo."
            )
        try:
            self._load()
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def _load(self) -> None:
        actors = _actors()
        demo, recognised, at_risk = _communes(actors)
        criteria_set = criteria_set_in_force(code=SET_CODE, province=actors.province, year=YEAR)
        with transaction.atomic():
            procedure = procedure_threshold_set(
                actor=actors.province_officer,
                province=actors.province,
                procedure=procedure_in_force(set_code=SET_CODE, unit=demo.unit),
                set_code=SET_CODE,
                threshold=DEMO_THRESHOLD,
                note=THRESHOLD_NOTE,
            )
        self.stdout.write(
            self.style.WARNING(
                f"Ngưỡng hài lòng của người dân {actors.province.name}: {DEMO_THRESHOLD}% — "
                f"giá trị minh họa của bản demo (quy trình {procedure.code} "
                f"v{procedure.version} của tỉnh), không phải quy định thật."
            )
        )
        walks = [
            (demo, "đang thẩm định sau một vòng bổ sung", _in_appraisal_after_supplement),
            (recognised, "đã được công nhận", _recognised),
            (at_risk, "đã công nhận, nay có nguy cơ không giữ chuẩn", _at_risk),
        ]
        for commune, state, walk in walks:
            existing = (
                Dossier.objects.filter(unit=commune.unit, set_code=SET_CODE, year=YEAR)
                .order_by("-pk")
                .first()
            )
            if existing is not None:
                self.stdout.write(
                    f"{commune.unit.name}: đã có hồ sơ ({existing.get_step_display()}), giữ nguyên."
                )
                continue
            with transaction.atomic():
                walk(actors, commune, criteria_set)
            self.stdout.write(f"{commune.unit.name}: hồ sơ {state}.")
        flagged = recognitions_at_risk(province=actors.province, year=YEAR)
        for risk in flagged:
            failing = ", ".join(f"{c.code}. {c.name_vi}" for c in risk.failing)
            self.stdout.write(
                f"Có nguy cơ không giữ chuẩn: {risk.recognition.unit.name} (chưa đạt: {failing})."
            )


# --- Who acts, and where -----------------------------------------------------------


def _demo_user(username: str) -> User:
    user = user_get_by_username(username=username)
    if user is None:
        raise CommandError(f"Chưa có tài khoản demo {username}: chạy manage.py load_demo trước.")
    return user


def _actors() -> DemoActors:
    province_officer = _demo_user("demo.tinh")
    province = scope_unit(user=province_officer, permission=Permission.VIEW_SCOPED)
    if province is None or province.level != Level.PROVINCE:
        raise CommandError("Tài khoản demo.tinh không giữ vai trò ở tỉnh demo.")
    if not CriteriaSet.objects.filter(code=SET_CODE, province=None).exists():
        raise CommandError("Chưa nạp bộ tiêu chí quốc gia: chạy manage.py load_demo_criteria.")
    return DemoActors(
        province=province,
        province_officer=province_officer,
        appraiser=_demo_user("demo.thamdinh"),
        province_leader=_demo_user("demo.lanhdaotinh"),
        admin=_demo_user("demo.trunguong"),
    )


def _commune_user(actors: DemoActors, unit: AdminUnit, role: str, title: str) -> User:
    """The commune's officer or leader for the demo's other communes: created once,
    without a password (nobody signs in as them)."""
    prefix = "demo.xa" if role == Role.COMMUNE_OFFICER else "demo.lanhdaoxa"
    username = f"{prefix}-{unit.code}"
    return user_get_by_username(username=username) or user_create(
        actor=actors.admin,
        username=username,
        full_name=f"{title} {unit.name} (demo)",
        email="",
        role=role,
        unit=unit,
    )


def _communes(actors: DemoActors) -> tuple[DemoCommune, DemoCommune, DemoCommune]:
    """The demo commune (demo.xa's) and the next two communes (xã) of the province."""
    demo_unit = scope_unit(user=_demo_user("demo.xa"), permission=Permission.VIEW_SCOPED)
    if demo_unit is None or demo_unit.level != Level.COMMUNE:
        raise CommandError("Tài khoản demo.xa không giữ vai trò ở xã demo.")
    others = list(
        AdminUnit.objects.current()
        .filter(province=actors.province, level=Level.COMMUNE, kind=Kind.XA)
        .exclude(pk=demo_unit.pk)
        .order_by("code")[:2]
    )
    if len(others) < 2:
        raise CommandError(f"{actors.province.name} cần ít nhất ba xã cho hồ sơ demo.")
    demo = DemoCommune(demo_unit, _demo_user("demo.xa"), _demo_user("demo.lanhdaoxa"), 412)
    second, third = (
        DemoCommune(
            unit,
            _commune_user(actors, unit, Role.COMMUNE_OFFICER, "Cán bộ"),
            _commune_user(actors, unit, Role.COMMUNE_LEADER, "Lãnh đạo UBND"),
            satisfied,
        )
        for unit, satisfied in zip(others, (455, 431), strict=True)
    )
    return demo, second, third


# --- The dossiers -----------------------------------------------------------------


def _pdf(title: str, unit: AdminUnit) -> SimpleUploadedFile:
    """A one-page PDF that says what it stands for, marked as the demo's."""
    html = (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8"></head><body>'
        f"<h1>{escape(title)}</h1><p>{escape(unit.name)} — năm {YEAR}.</p>"
        f"<p>{DEMO_NOTE}: văn bản này chỉ để thử phần mềm, không có giá trị pháp lý.</p>"
        "</body></html>"
    )
    return SimpleUploadedFile(
        f"{title.lower().replace(' ', '-')}.pdf", pdf_from_html(html), "application/pdf"
    )


def _self_assessed(commune: DemoCommune, criteria_set: CriteriaSet) -> None:
    """Every criterion of the set met, criterion 1 with its minutes, and the residents'
    satisfaction ballots reported (of 480)."""
    for criterion in criteria_set.criteria.order_by("position", "code"):
        assessment_record(
            actor=commune.officer,
            criteria_set=criteria_set,
            indicator_code=criterion.code,
            unit=commune.unit,
            year=YEAR,
            verdict="pass",
            note=f"Biên bản kiểm tra tiêu chí {criterion.code} ({DEMO_NOTE.lower()})",
            evidence=[_pdf("Bien ban kiem tra", commune.unit)] if criterion.code == "1" else [],
        )
    reported_value_set(
        actor=commune.officer,
        code=SATISFACTION_INDICATOR,
        unit=commune.unit,
        period=str(YEAR),
        numerator=commune.satisfied,
        denominator=480,
        note=f"{DEMO_NOTE}: phiếu lấy ý kiến do Ủy ban MTTQ xã tổng hợp",
    )


def _submitted(actors: DemoActors, commune: DemoCommune, criteria_set: CriteriaSet) -> Dossier:
    """Self-assessment, consultation with a comment answered, documents, submission."""
    _self_assessed(commune, criteria_set)
    dossier = dossier_open(actor=commune.officer, unit=commune.unit, set_code=SET_CODE, year=YEAR)
    dossier = dossier_publish(actor=commune.officer, dossier=dossier)
    comment = comment_post(
        dossier=dossier,
        author_kind=Comment.Author.FATHERLAND_FRONT,
        author_name=f"Ủy ban MTTQ Việt Nam {commune.unit.name}",
        text="Đề nghị nêu rõ số hộ đã được hỗ trợ mở tài khoản thanh toán điện tử.",
        client_ip=COMMENT_ADDRESS,
    )
    comment_answer(
        actor=commune.officer,
        comment=comment,
        answer="Đã bổ sung số hộ vào báo cáo tổng hợp ý kiến gửi kèm hồ sơ.",
    )
    # The one date moved: the report stays posted for the procedure's 15 days before the
    # consultation may close; the demo does not wait for them.
    Dossier.objects.filter(pk=dossier.pk).update(step_due_on=timezone.localdate())
    dossier = consultation_close(actor=commune.officer, dossier=dossier)
    for document in procedure_spec(dossier.procedure).uploads_due(Step.SUBMISSION):
        document_upload(
            actor=commune.officer,
            dossier=dossier,
            kind=document.code,
            file=_pdf(document.name_vi or document.code, commune.unit),
        )
    return dossier_submit(actor=commune.leader, dossier=dossier)


def _criteria_codes(criteria_set: CriteriaSet) -> list[str]:
    return list(criteria_set.criteria.order_by("position", "code").values_list("code", flat=True))


def _in_appraisal_after_supplement(
    actors: DemoActors, commune: DemoCommune, criteria_set: CriteriaSet
) -> None:
    """Round 1 returned (criterion 4 questioned after a field visit), criterion 4's
    minutes supplied and the self-assessment frozen anew, round 2 open with the first
    findings entered: the appraiser has the rest to do."""
    dossier = _submitted(actors, commune, criteria_set)
    field_visit_record(
        actor=actors.appraiser,
        dossier=dossier,
        visited_on=timezone.localdate(),
        members="Đoàn thẩm định của tỉnh (demo)",
        notes="Kiểm tra thực tế nhà văn hoá và hệ thống thủy lợi; thiếu biên bản nghiệm thu.",
    )
    for code in _criteria_codes(criteria_set):
        agrees = code != QUESTIONED_CRITERION
        finding_record(
            actor=actors.appraiser,
            dossier=dossier,
            criterion_code=code,
            agrees=agrees,
            note="" if agrees else "Chưa có biên bản nghiệm thu công trình thủy lợi nội đồng.",
        )
    dossier = dossier_return(
        actor=actors.appraiser,
        dossier=dossier,
        supplements=["Biên bản nghiệm thu công trình thủy lợi nội đồng (tiêu chí 4)."],
        conclusion="Hồ sơ cơ bản đầy đủ; cần bổ sung minh chứng tiêu chí 4.",
    )
    assessment_record(
        actor=commune.officer,
        criteria_set=criteria_set,
        indicator_code=QUESTIONED_CRITERION,
        unit=commune.unit,
        year=YEAR,
        verdict="pass",
        note=f"Đã bổ sung biên bản nghiệm thu ({DEMO_NOTE.lower()})",
        evidence=[_pdf("Bien ban nghiem thu", commune.unit)],
    )
    document_upload(
        actor=commune.officer,
        dossier=dossier,
        kind=OTHER_DOCUMENT,
        file=_pdf("Bien ban nghiem thu cong trinh", commune.unit),
    )
    dossier = dossier_resubmit(actor=commune.leader, dossier=dossier, refreeze=True)
    for code in _criteria_codes(criteria_set)[:3]:
        finding_record(
            actor=actors.appraiser, dossier=dossier, criterion_code=code, agrees=True, note=""
        )


def _recognised(actors: DemoActors, commune: DemoCommune, criteria_set: CriteriaSet) -> None:
    """One round, every criterion agreed, recognition recommended and decided."""
    dossier = _submitted(actors, commune, criteria_set)
    for code in _criteria_codes(criteria_set):
        finding_record(
            actor=actors.appraiser, dossier=dossier, criterion_code=code, agrees=True, note=""
        )
    dossier = appraisal_conclude(
        actor=actors.appraiser,
        dossier=dossier,
        recommend=True,
        conclusion="Xã đạt đủ các tiêu chí; đề nghị công nhận.",
    )
    decision_record(
        actor=actors.province_leader,
        dossier=dossier,
        number=f"{commune.unit.code}/QĐ-UBND (demo)",
        signed_on=timezone.localdate(),
        signer="Chủ tịch UBND tỉnh (demo)",
        file=_pdf("Quyet dinh cong nhan", commune.unit),
    )


def _at_risk(actors: DemoActors, commune: DemoCommune, criteria_set: CriteriaSet) -> None:
    """Recognised, then criterion 5 re-assessed as no longer met: its live evaluation
    fails the set, and the province's list flags it."""
    _recognised(actors, commune, criteria_set)
    assessment_record(
        actor=commune.officer,
        criteria_set=criteria_set,
        indicator_code=FAILING_CRITERION,
        unit=commune.unit,
        year=YEAR,
        verdict="fail",
        note=f"Kiểm tra lại sau công nhận: trường học xuống cấp ({DEMO_NOTE.lower()})",
    )
