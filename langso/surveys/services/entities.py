"""What a submission does to a household: its values reach the registry through the
form's entity mapping, in the receiving transaction; a submission made against an older
state of the household than the current one is a conflict that a reviewer settles
field by field; a visit is logged for the team's progress.

Nothing here overwrites silently: a value reaches a household only when the collector
saw the household as it is now, when the form counts data before approval (or a reviewer
approved it), and when the registry accepts it."""

from __future__ import annotations

from functools import lru_cache
from xml.etree.ElementTree import Element

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from langso.core.actors import Actor
from langso.core.db import for_update
from langso.core.errors import DomainError
from langso.places.models import AdminUnit, Level
from langso.registry.models import Household, Source
from langso.registry.services.households import (
    HouseholdInvalid,
    field_label,
    household_create,
    household_last_visit_set,
    household_update,
)

from ..entity_declarations import (
    HOUSEHOLDS,
    EntityValueInvalid,
    SubmittedEntity,
    entity_parse,
    entity_version,
    household_current_values,
    household_values,
    registry_values,
    visit_parse,
)
from ..events import visit_counted
from ..models import (
    DigitalTeam,
    EntityAction,
    EntityState,
    HelpGiven,
    Submission,
    Visit,
)
from ..openrosa import SubmissionInvalid, instance_parse
from ..selectors import collector_households, collector_villages, submission_review_check
from ..xlsforms import xform_info


@lru_cache(maxsize=256)
def _saves_to(xform_hash: str, xform: str) -> dict[str, str]:
    # Parsing a large XForm costs milliseconds; a version's XForm never changes.
    return xform_info(xform).saves_to


def _outside(entity_id: str) -> SubmissionInvalid:
    return SubmissionInvalid(
        _(
            "Hộ “%(code)s” không thuộc các thôn bạn được giao: tải lại danh sách hộ "
            "(cập nhật biểu mẫu) rồi gửi lại."
        )
        % {"code": entity_id[:40]},
        status=403,
    )


def _village_for_create(collector: Actor, values: dict[str, str]) -> AdminUnit:
    """The village a household found in the field is placed in: the one the form
    names, which must be one of the collector's, or their only village."""
    villages = collector_villages(user=collector)
    code = values.get("village")
    if code:
        village = villages.filter(code=code).first()
        if village is None:
            raise _outside(code)
        return village
    only = list(villages[:2])
    if len(only) == 1:
        return only[0]
    raise EntityValueInvalid({"village": _("chưa chọn thôn cho hộ mới")})


def submission_entity_read(
    *, submission: Submission, collector: Actor, root: Element, form_counts: bool
) -> None:
    """Read what a new, not yet saved `submission` says of a household and act on it:
    refuse it (raising SubmissionInvalid, so that nothing is stored) when the household
    lies outside the collector's villages; otherwise set its entity fields and apply
    the values when they may be. The caller saves the submission, in one INSERT, and
    then logs its visit. Runs inside submission_receive's transaction."""
    version = submission.version
    entity = entity_parse(root, _saves_to(version.xform_hash, version.xform))
    if entity is None:
        return
    if entity.dataset != HOUSEHOLDS:
        submission.entity_message = _(
            "Danh sách thực thể “%(name)s” không do Làng Số quản lý; dữ liệu chỉ được lưu."
        ) % {"name": entity.dataset[:64]}
        return
    predecessor = submission.replaces
    action = entity.action
    if action == EntityAction.CREATE and predecessor is not None and predecessor.household_id:
        # An edit of a submission that already added the household edits that household.
        action = EntityAction.UPDATE
    household: Household | None = None
    if action == EntityAction.UPDATE:
        # Read once, locked: the version compared below is the one the update replaces.
        households = collector_households(user=collector)
        if predecessor is not None and predecessor.household_id:
            households = households.filter(pk=predecessor.household_id)
        else:
            households = households.filter(address_code=entity.entity_id)
        household = for_update(households.select_related("village")).first()
        if household is None:
            raise _outside(entity.entity_id)
    submission.entity_action = action
    submission.household = household
    submission.base_version = _base_version(entity, predecessor)
    errors: dict[str, str] = {}
    village = None
    if action == EntityAction.CREATE:
        try:
            village = _village_for_create(collector, entity.raw_values)
        except EntityValueInvalid as exc:
            errors = exc.errors
        else:
            # Whatever becomes of its values: a new household's submission refused for
            # them is still seen where the household was found, not wherever the form is.
            submission.place_at(village)
    try:
        values = household_values(entity.raw_values)
    except EntityValueInvalid as exc:
        errors = exc.errors | errors
        values = {}
    if village is not None:
        values["village"] = village.code
    elif household is not None and values.get("village") not in (
        None,
        household_current_values(household, ["village"])["village"],
    ):
        errors["village"] = _("chuyển hộ sang thôn khác do cán bộ xã làm, không qua khảo sát")
    if errors:
        _mark_invalid(submission, errors)
        return
    submission.entity_values = values
    if action == EntityAction.UPDATE and not values:
        # A visit that found nobody home brings no values: nothing to apply or to
        # conflict over, only the visit to log.
        submission.entity_action = ""
    elif form_counts:
        _apply(submission, actor=collector, household=household)
    else:
        submission.entity_state = EntityState.PENDING


def _base_version(entity: SubmittedEntity, predecessor: Submission | None) -> int | None:
    """The household version the collector saw. An edit (deprecatedID) of a submission
    whose values were applied saw the household as that submission left it, if nothing
    else changed it since."""
    if predecessor is not None and predecessor.applied_version is not None:
        return predecessor.applied_version
    return entity.base_version


def _mark_invalid(submission: Submission, errors: dict[str, str]) -> None:
    submission.entity_state = EntityState.INVALID
    submission.entity_message = "; ".join(f"{field_label(f)}: {r}" for f, r in errors.items())
    submission.state = Submission.State.HAS_ISSUES


def _save_entity(submission: Submission) -> None:
    submission.save(
        update_fields=[
            "household",
            "entity_action",
            "entity_values",
            "base_version",
            "entity_state",
            "entity_message",
            "entity_before",
            "applied_version",
            "state",
        ]
    )


def _apply(submission: Submission, *, actor: Actor, household: Household | None = None) -> None:
    """Write the submission's values to its household (or create the household), or
    mark a conflict when the household changed after the collector saw it. `household`
    is the submission's, when the caller has already read it locked. Values the
    registry refuses leave the household as it was and the submission with issues."""
    values = dict(submission.entity_values)
    try:
        if submission.entity_action == EntityAction.CREATE and submission.household is None:
            # Checked against the collector's villages on receipt; the registry checks
            # the actor (the collector, or the reviewer approving) again.
            village = (
                AdminUnit.objects.current()
                .filter(level=Level.VILLAGE, code=values.pop("village"))
                .first()
            )
            if village is None:
                raise HouseholdInvalid({"village": _("thôn không còn hiệu lực")})
            household = household_create(
                actor=actor, village=village, values=registry_values(values), source=Source.SURVEY
            )
            submission.household = household
            submission.entity_before = {}
        else:
            household = household or _household_locked(submission)
            current = entity_version(household.updated_at)
            if submission.base_version is None or submission.base_version < current:
                submission.entity_state = EntityState.CONFLICT
                submission.state = Submission.State.HAS_ISSUES
                submission.entity_message = _(
                    "Hộ đã thay đổi sau khi người thu thập tải danh sách: cần chọn từng giá "
                    "trị giữ lại."
                )
                return
            values.pop("village", None)
            submission.entity_before = household_current_values(household, list(values))
            household = household_update(
                actor=actor,
                household=household,
                values=registry_values(values),
                source=Source.SURVEY,
            )
    except HouseholdInvalid as exc:
        _mark_invalid(submission, exc.errors)
        return
    submission.entity_state = EntityState.APPLIED
    submission.entity_message = ""
    submission.applied_version = entity_version(household.updated_at)


def _household_locked(submission: Submission) -> Household:
    if submission.household_id is None:
        raise ValueError("the submission names no household")
    return for_update(Household.objects.all()).get(pk=submission.household_id)


def submission_entity_apply(*, submission: Submission, actor: Actor) -> None:
    """Apply pending values (a reviewer approved a submission of a form that counts
    only approved data). Values found in conflict wait for the reviewer's choice."""
    if submission.entity_state != EntityState.PENDING:
        return
    _apply(submission, actor=actor)
    _save_entity(submission)
    if submission.household_id and not Visit.objects.filter(submission=submission).exists():
        visit_record_from_submission(
            submission=submission, root=instance_parse(submission.xml.encode()).root
        )


def submission_entity_discard(*, submission: Submission, actor: Actor) -> str:
    """Undo what a rejected submission wrote, where nothing has changed the household
    since; otherwise leave it and say so. Returns a message for the reviewer ("" when
    there is nothing to say)."""
    state = submission.entity_state
    if state in (EntityState.PENDING, EntityState.CONFLICT):
        submission.entity_state = EntityState.DISCARDED
        _save_entity(submission)
        return ""
    if state != EntityState.APPLIED or submission.entity_action != EntityAction.UPDATE:
        if state == EntityState.APPLIED:
            return _(
                "Hộ mới do bài này thêm vẫn được giữ; đánh dấu hộ “đã chuyển đi” hoặc gộp "
                "nếu hộ không có thật."
            )
        return ""
    household = _household_locked(submission)
    if entity_version(household.updated_at) != submission.applied_version:
        return _(
            "Hộ đã được sửa sau bài này nên các giá trị của bài không được hoàn lại; "
            "kiểm tra và sửa hộ nếu cần."
        )
    household_update(
        actor=actor,
        household=household,
        values=registry_values(dict(submission.entity_before)),
        source=Source.SURVEY,
    )
    submission.entity_state = EntityState.DISCARDED
    _save_entity(submission)
    return ""


class ConflictChoiceInvalid(DomainError):
    pass


@transaction.atomic
def submission_conflict_resolve(
    *, actor: Actor, submission: Submission, choices: dict[str, str], seen_version: int
) -> Submission:
    """Settle a conflict: for each field the submission gives, keep the household's
    value ("household") or take the submission's ("submission"). `seen_version` is the
    household version the reviewer compared against: if the household changed again
    meanwhile, the choice is refused, to be made again on what it is now."""
    submission = (
        for_update(Submission.objects.all())
        .select_related("household", "version__form__unit", "village", "commune", "province")
        .get(pk=submission.pk)
    )
    # The view shows the choice to reviewers only; the rule is held here, where the
    # household is overwritten.
    submission_review_check(actor=actor, submission=submission)
    if submission.entity_state != EntityState.CONFLICT:
        raise ConflictChoiceInvalid(_("Bài này không còn xung đột cần xử lý."))
    fields = [f for f in submission.entity_values if f != "village"]
    missing = [f for f in fields if choices.get(f) not in ("household", "submission")]
    if missing:
        raise ConflictChoiceInvalid(
            _("Chưa chọn giá trị giữ lại cho: %(fields)s.")
            % {"fields": ", ".join(field_label(f) for f in missing)}
        )
    household = _household_locked(submission)
    if entity_version(household.updated_at) != seen_version:
        raise ConflictChoiceInvalid(
            _("Hộ vừa được sửa lần nữa trong lúc bạn so sánh: xem lại rồi chọn lại.")
        )
    taken = {f: submission.entity_values[f] for f in fields if choices[f] == "submission"}
    submission.entity_before = household_current_values(household, list(taken))
    try:
        household = household_update(
            actor=actor, household=household, values=registry_values(taken), source=Source.SURVEY
        )
    except HouseholdInvalid as exc:
        raise ConflictChoiceInvalid(exc.message) from exc
    submission.entity_state = EntityState.RESOLVED
    submission.entity_message = ""
    submission.applied_version = entity_version(household.updated_at)
    submission.resolution = {f: choices[f] for f in fields}
    submission.resolved_by_id = actor.pk
    submission.resolved_at = timezone.now()
    if submission.state == Submission.State.HAS_ISSUES:
        submission.state = Submission.State.RECEIVED
    submission.save(
        update_fields=[
            "entity_state",
            "entity_message",
            "entity_before",
            "applied_version",
            "resolution",
            "resolved_by",
            "resolved_at",
            "state",
        ]
    )
    return submission


def visit_record_from_submission(*, submission: Submission, root: Element) -> Visit:
    """Log the visit a submission about a household reports. An edit's visit replaces
    its predecessor's."""
    household = submission.household
    if household is None:
        raise ValueError("a visit needs the submission's household")
    parsed = visit_parse(root)
    outcome = parsed.outcome if parsed.outcome in Visit.Outcome.values else Visit.Outcome.SURVEYED
    helped = [code for code in parsed.help_given if code in HelpGiven.values]
    if submission.replaces_id:
        for replaced in Visit.objects.filter(submission_id=submission.replaces_id).select_related(
            "household", "village"
        ):
            visit_counted(replaced, amount=-1)
            replaced.delete()
            if replaced.household_id != household.pk:
                _last_visit_keep(replaced.household_id)
    collector_id = submission.collector_id
    team = None
    if collector_id is not None and household.village_id:
        team = DigitalTeam.objects.filter(
            members=collector_id, villages=household.village_id
        ).first()
    visit = Visit.objects.create(
        household=household,
        village_id=household.village_id,
        team=team,
        visitor_id=collector_id,
        visited_on=parsed.visited_on or timezone.localdate(submission.received_at),
        outcome=outcome,
        help_given=sorted(set(helped)),
        submission=submission,
    )
    visit_counted(visit, amount=1)
    _last_visit_keep(household.pk)
    return visit


def _last_visit_keep(household_id: int) -> None:
    """The registry's day of the household's newest visit, read again from its visits
    (an edit may move a visit to another day, or to another household)."""
    newest = (
        Visit.objects.filter(household_id=household_id)
        .order_by("-visited_on")
        .values_list("visited_on", flat=True)
        .first()
    )
    household_last_visit_set(household_id=household_id, visited_on=newest)
