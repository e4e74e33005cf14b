"""Indicator definitions: shipped with the platform as YAML, added and edited by central
admins; every change a new version, never an edit of one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils.translation import gettext as _

from langso.accounts.roles import Permission
from langso.accounts.selectors import is_nationwide
from langso.core.actors import Actor
from langso.core.db import lock_against_writes
from langso.core.errors import AccessDenied, DomainError
from langso.registry.models import Household

from ..definitions import Definition, DefinitionError, definition_read
from ..measures import HouseholdMeasure, household_measures, measure_spec
from ..models import IndicatorDefinition, Origin
from .aggregates import household_measures_fill

SHIPPED = Path(__file__).resolve().parent.parent / "definitions.yaml"


def _stored(definition: Definition) -> dict[str, Any]:
    """The fields of a version that an edit may change: equal means no new version."""
    return {
        "name_vi": definition.name_vi,
        "name_en": definition.name_en,
        "unit": definition.unit,
        "source": definition.source,
        "spec": definition.spec,
        "household_measures": [measure_spec(m) for m in definition.measures],
        "numerator": definition.numerator.code if definition.numerator else "",
        "denominator": definition.denominator.code if definition.denominator else "",
    }


def _same(version: IndicatorDefinition, fields: Mapping[str, Any]) -> bool:
    return all(getattr(version, name) == value for name, value in fields.items())


@transaction.atomic
def _save(
    *, definition: Definition, origin: str, actor: Actor | None
) -> IndicatorDefinition | None:
    """Store `definition` as its indicator's next version, unless it says what the
    current version says (None then). New household measures are filled before the
    version is visible, under a lock that holds household writers off: a write between
    the fill's read and its commit would otherwise miss the new measure's delta."""
    fields = _stored(definition)
    latest = IndicatorDefinition.objects.filter(code=definition.code).order_by("-version").first()
    if latest is not None and _same(latest, fields):
        return None
    kept = {measure.code for measure in household_measures()}
    new: list[HouseholdMeasure] = [m for m in definition.measures if m.code not in kept]
    if new:
        lock_against_writes(Household)
        household_measures_fill(measures=new)
    return IndicatorDefinition.objects.create(
        code=definition.code,
        version=(latest.version + 1) if latest else 1,
        origin=origin,
        # Shipped definitions are loaded by no one.
        created_by_id=actor.pk if actor is not None and actor.is_authenticated else None,
        **fields,
    )


def indicator_definition_save(
    *, actor: Actor, raw: Mapping[str, Any]
) -> IndicatorDefinition | None:
    """A central admin adds an indicator or edits one (`raw` as the form or YAML gives
    it); the edit becomes the next version. None when nothing changed."""
    if not is_nationwide(user=actor, permission=Permission.DEFINE_INDICATORS):
        raise AccessDenied(_("Chỉ quản trị trung ương được định nghĩa chỉ số."))
    return _save(definition=definition_read(raw), origin=Origin.EDITED, actor=actor)


@dataclass(frozen=True)
class ShippedReport:
    created: list[str]
    unchanged: int


def _shipped(path: Path) -> list[Mapping[str, Any]]:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DomainError(
            _("Tệp định nghĩa chỉ số %(path)s không đọc được: %(error)s")
            % {"path": path.name, "error": exc}
        ) from exc
    entries = document.get("indicators") if isinstance(document, Mapping) else None
    if not isinstance(entries, list) or not all(isinstance(e, Mapping) for e in entries):
        raise DomainError(_("Tệp %(path)s cần một danh sách “indicators”.") % {"path": path.name})
    return entries


@transaction.atomic
def indicator_definitions_load(*, path: Path = SHIPPED) -> ShippedReport:
    """Load the shipped definitions: each that differs from its indicator's current
    version becomes the next one. A file with any bad definition is refused whole,
    with every reason."""
    definitions: list[Definition] = []
    errors: list[str] = []
    seen: set[str] = set()
    for number, raw in enumerate(_shipped(path), start=1):
        try:
            definition = definition_read(raw)
        except DefinitionError as exc:
            errors.append(
                _("Mục %(number)s: %(message)s") % {"number": number, "message": exc.message}
            )
            continue
        if definition.code in seen:
            errors.append(
                _("Mục %(number)s: mã “%(code)s” đã có ở mục trước")
                % {"number": number, "code": definition.code}
            )
        seen.add(definition.code)
        definitions.append(definition)
    if errors:
        raise DomainError(" ".join(errors))
    created = [
        definition.code
        for definition in definitions
        if _save(definition=definition, origin=Origin.SHIPPED, actor=None) is not None
    ]
    return ShippedReport(created=created, unchanged=len(definitions) - len(created))
