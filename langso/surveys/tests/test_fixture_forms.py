"""Forms written by other projects (tests/fixtures/third_party/): every XLSForm pyxform accepts
publishes on Làng Số, and every one it refuses is refused with pyxform's own reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyxform.xls2xform import convert

from langso.surveys.models import SurveyForm
from langso.surveys.services.forms import form_publish
from langso.surveys.testing import FormUsers
from langso.surveys.xlsforms import XLSFormRejected

from .forms_testing import forms_are_there, third_party_forms

pytestmark = pytest.mark.django_db

_SUFFIXES = {".xls", ".xlsx", ".csv", ".md"}
# Accepted by pyxform, refused by ODK Validate (bundled with pyxform, run on upload):
# a calculation JavaRosa cannot parse. ODK Collect could not open it either.
REFUSED_BY_ODK_VALIDATE = {"bad_calc.xlsx"}


PYXFORM = third_party_forms("pyxform-examples")
ODK_WEB_FORMS = third_party_forms("odk-web-forms")
PYXFORM_FORMS = sorted(p for p in PYXFORM.glob("*") if p.suffix in _SUFFIXES)
ODK_WEB_FORMS_XLSFORMS = sorted(ODK_WEB_FORMS.rglob("*.xlsx"))
XLSFORMS = PYXFORM_FORMS + ODK_WEB_FORMS_XLSFORMS


def test_the_fixtures_are_there() -> None:
    """A missing folder would make the test below check nothing."""
    forms_are_there(PYXFORM, PYXFORM_FORMS, at_least=60)
    forms_are_there(ODK_WEB_FORMS, ODK_WEB_FORMS_XLSFORMS, at_least=4)


@pytest.mark.parametrize("path", XLSFORMS, ids=lambda p: p.name)
def test_a_fixture_publishes_or_is_refused_with_pyxforms_reason(
    path: Path, users: FormUsers
) -> None:
    data = path.read_bytes()
    try:
        convert(xlsform=data, validate=False, warnings=[])
    except Exception as exc:  # whatever pyxform raises is its verdict
        expected: str | None = str(exc).splitlines()[0][:80]
    else:
        expected = None

    try:
        version = form_publish(actor=users.central_admin, name=path.name, data=data, unit=None)
    except XLSFormRejected as refused:
        reasons = " ".join(refused.reasons)
        assert not SurveyForm.objects.exists()
        if expected is None:
            assert path.name in REFUSED_BY_ODK_VALIDATE, reasons
        else:
            assert expected in reasons, (expected, reasons)
        return
    assert expected is None, f"pyxform refused it ({expected}) but it was published"
    assert path.name not in REFUSED_BY_ODK_VALIDATE
    assert version.xform.startswith("<?xml")
    assert version.form.xml_form_id
