"""ODK entity declarations, as the surveys app reads them: what a submitted instance
declares of a household (its `meta/entity` block and its `save_to` fields) and what the
household list tells collectors (`__version`). Plain functions over parsed XML: no
database, no HTTP. `services.entities` applies the result to the registry.

Conventions (ODK's entities spec, 2024.1): `<entity dataset="households" id="…"
update="1" baseVersion="…">` or `create="1"` with a `<label>`; the id of an update is
the household's `name` in the list, here its address code; `baseVersion` is the
`__version` the collector's list carried.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element  # types only; parsing is defusedxml

from django.contrib.gis.geos import Point
from django.utils.translation import gettext as _

HOUSEHOLDS = "households"
_INTEGER_FIELDS = (
    "members",
    "adults",
    "adults_smartphone",
    "adults_epayment",
    "adults_vneid",
    "adults_public_service",
)
# Household fields a form may save to (`save_to`). `village` places a household found
# in the field; `location` takes a geopoint.
HOUSEHOLD_SAVE_TO = (
    "head_name",
    "head_phone",
    "house_number",
    "street",
    *_INTEGER_FIELDS,
    "broadband",
    "mobile_coverage",
    "has_tv",
    "has_radio",
    "location",
    "village",
)
_INTEGERS = frozenset(_INTEGER_FIELDS)
_BOOLEANS = frozenset({"has_tv", "has_radio"})
_TRUE = frozenset({"1", "true", "yes", "co", "có"})
_FALSE = frozenset({"0", "false", "no", "khong", "không"})
# Fields of a visit, found by name anywhere in the instance.
VISIT_OUTCOME = "visit_outcome"
HELP_GIVEN = "help_given"
VISIT_DATE = "visit_date"


class EntityValueInvalid(ValueError):
    """A submitted value that is not a value of its household field. `errors` maps the
    field to the reason, in Vietnamese."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class SubmittedEntity:
    """What one instance says of a household."""

    dataset: str
    action: str  # "update" or "create"
    # The household's address code for an update; the client's new id for a create.
    entity_id: str
    base_version: int | None
    label: str
    # Household field → value as typed (strings); empty answers are left out: a skipped
    # question says nothing, it does not clear what is known.
    raw_values: dict[str, str] = field(default_factory=dict)


def entity_version(updated_at: dt.datetime) -> int:
    """The `__version` of a household in the list: its last change in milliseconds. It
    grows with every change, as ODK's entity versions must, and costs no column."""
    return int(updated_at.timestamp() * 1000)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _child(element: Element, name: str) -> Element | None:
    for child in element:
        if _local(child.tag) == name:
            return child
    return None


def _at_path(root: Element, path: str) -> Element | None:
    """The element at an absolute instance path ("/data/group/field"), by local names:
    clients differ in the namespace they write the instance in."""
    parts = [p for p in path.split("/") if p]
    if not parts or _local(root.tag) != parts[0]:
        return None
    element: Element | None = root
    for part in parts[1:]:
        if element is None or part.startswith("@"):
            return None
        element = _child(element, part)
    return element


def _find(root: Element, name: str) -> Element | None:
    for element in root.iter():
        if _local(element.tag) == name:
            return element
    return None


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true")


def entity_parse(root: Element, saves_to: dict[str, str]) -> SubmittedEntity | None:
    """The household an instance creates or updates, or None when its entity block
    does neither (a form without entities, or an update_if that was false)."""
    meta = _child(root, "meta")
    entity = _child(meta, "entity") if meta is not None else None
    if entity is None:
        return None
    if _truthy(entity.get("update")):
        action = "update"
    elif _truthy(entity.get("create")):
        action = "create"
    else:
        return None
    base = (entity.get("baseVersion") or "").strip()
    label_element = _child(entity, "label")
    values: dict[str, str] = {}
    for path, prop in saves_to.items():
        element = _at_path(root, path)
        text = (element.text or "").strip() if element is not None else ""
        if text:
            values[prop] = text
    return SubmittedEntity(
        dataset=(entity.get("dataset") or "").strip(),
        action=action,
        entity_id=(entity.get("id") or "").strip(),
        base_version=int(base) if base.isdigit() else None,
        label=((label_element.text or "") if label_element is not None else "").strip(),
        raw_values=values,
    )


def household_values(raw: dict[str, str]) -> dict[str, Any]:
    """Submitted strings as household values (JSON-able: a location is [lon, lat]).
    Raises EntityValueInvalid naming each field that is not a value of its kind;
    ranges and choices are the registry's to check."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for prop, text in raw.items():
        if prop in _INTEGERS:
            try:
                values[prop] = int(text)
            except ValueError:
                errors[prop] = _("“%(value)s” không phải số nguyên") % {"value": text[:20]}
        elif prop in _BOOLEANS:
            lowered = text.lower()
            if lowered in _TRUE:
                values[prop] = True
            elif lowered in _FALSE:
                values[prop] = False
            else:
                errors[prop] = _("“%(value)s” không phải có/không") % {"value": text[:20]}
        elif prop == "location":
            # A geopoint: "latitude longitude altitude accuracy".
            parts = text.split()
            try:
                lat, lon = float(parts[0]), float(parts[1])
            except (IndexError, ValueError):
                errors[prop] = _("“%(value)s” không phải toạ độ") % {"value": text[:40]}
            else:
                values[prop] = [lon, lat]
        else:
            values[prop] = text
    if errors:
        raise EntityValueInvalid(errors)
    return values


def registry_values(values: dict[str, Any]) -> dict[str, Any]:
    """Stored entity values as the registry's services take them."""
    result = dict(values)
    if isinstance(result.get("location"), list):
        lon, lat = result["location"]
        result["location"] = Point(lon, lat, srid=4326)
    return result


@dataclass(frozen=True)
class SubmittedVisit:
    outcome: str
    help_given: tuple[str, ...]
    visited_on: dt.date | None


def visit_parse(root: Element) -> SubmittedVisit:
    """The visit fields of an instance, where the form has them (`visit_outcome`,
    `help_given` as a select_multiple, `visit_date`); a form without them records a
    visit that surveyed the household."""
    outcome = _find(root, VISIT_OUTCOME)
    helped = _find(root, HELP_GIVEN)
    date = _find(root, VISIT_DATE)
    visited_on = None
    if date is not None and date.text:
        try:
            visited_on = dt.date.fromisoformat(date.text.strip()[:10])
        except ValueError:
            visited_on = None
    return SubmittedVisit(
        outcome=(outcome.text or "").strip() if outcome is not None else "",
        help_given=tuple((helped.text or "").split()) if helped is not None else (),
        visited_on=visited_on,
    )


def _json_value(value: Any) -> Any:
    if isinstance(value, Point):
        return [round(value.x, 7), round(value.y, 7)]
    if hasattr(value, "pk"):
        return value.pk
    return value


def household_current_values(household: Any, fields: list[str]) -> dict[str, Any]:
    """The household's values of `fields`, as a submission stores its own."""
    result: dict[str, Any] = {}
    for name in fields:
        if name == "village":
            result[name] = household.village.code if household.village else ""
        else:
            result[name] = _json_value(getattr(household, name))
    return result
