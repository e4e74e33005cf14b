"""What a submitted instance declares of a household, read without a database: its
`meta/entity` block, the values of its `save_to` fields as household values, and the
visit it reports."""

from __future__ import annotations

import datetime as dt
from xml.etree.ElementTree import Element

import pytest
from defusedxml import ElementTree

from langso.surveys.entity_declarations import (
    EntityValueInvalid,
    entity_parse,
    household_values,
    visit_parse,
)

SAVES_TO = {"/data/ho/so_nguoi": "members", "/data/co_tv": "has_tv", "/data/vi_tri": "location"}


def _instance(entity: str, body: str = "") -> Element:
    root: Element = ElementTree.fromstring(
        f'<x:data xmlns:x="http://example.org/f" id="f">{body}<x:meta>{entity}</x:meta></x:data>'
    )
    return root


def test_an_update_names_the_household_its_base_version_and_the_answered_fields() -> None:
    """The id, the version the collector's list carried and the answers of the fields
    saved to the household, found by local names whatever the namespace; an empty
    answer says nothing and is left out."""
    root = _instance(
        '<entity dataset="households" id="HN-1" update="1" baseVersion="1700"/>',
        "<ho><so_nguoi> 4 </so_nguoi></ho><co_tv></co_tv>",
    )
    entity = entity_parse(root, SAVES_TO)
    assert entity is not None
    assert (entity.dataset, entity.action, entity.entity_id) == ("households", "update", "HN-1")
    assert entity.base_version == 1700
    assert entity.raw_values == {"members": "4"}


def test_a_create_carries_its_label_and_an_entity_block_doing_neither_is_none() -> None:
    created = entity_parse(
        _instance(
            '<entity dataset="households" id="u1" create="true"><label> Nhà 7 </label></entity>'
        ),
        SAVES_TO,
    )
    assert created is not None
    assert (created.action, created.label, created.base_version) == ("create", "Nhà 7", None)
    # An update_if that was false leaves update="0": the instance changes no household.
    assert (
        entity_parse(_instance('<entity dataset="households" id="HN-1" update="0"/>'), {}) is None
    )
    assert entity_parse(ElementTree.fromstring("<data><meta/></data>"), {}) is None


def test_submitted_strings_become_household_values() -> None:
    """Integers, yes/no in either language, and a geopoint as [longitude, latitude]."""
    values = household_values(
        {"members": "5", "has_tv": "Có", "has_radio": "no", "location": "20.25 105.97 10 5"}
    )
    assert values == {
        "members": 5,
        "has_tv": True,
        "has_radio": False,
        "location": [105.97, 20.25],
    }


def test_every_value_not_of_its_kind_is_named() -> None:
    with pytest.raises(EntityValueInvalid) as refused:
        household_values({"members": "năm", "has_tv": "có lẽ", "location": "ở đâu", "street": "x"})
    assert set(refused.value.errors) == {"members", "has_tv", "location"}


def test_a_visit_is_read_where_the_form_has_its_fields() -> None:
    """Outcome, the help given (a select_multiple) and the date, wherever they stand; a
    form without them reports a visit with no outcome, help or date."""
    visit = visit_parse(
        ElementTree.fromstring(
            "<data><g><visit_outcome>surveyed</visit_outcome>"
            "<help_given>vneid epayment</help_given></g>"
            "<visit_date>2026-11-21T08:00:00</visit_date></data>"
        )
    )
    assert visit.outcome == "surveyed"
    assert visit.help_given == ("vneid", "epayment")
    assert visit.visited_on == dt.date(2026, 11, 21)
    bare = visit_parse(ElementTree.fromstring("<data><visit_date>hôm qua</visit_date></data>"))
    assert (bare.outcome, bare.help_given, bare.visited_on) == ("", (), None)
