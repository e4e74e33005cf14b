"""XForms written by other projects (tests/fixtures/third_party/odk-web-forms/): every
one ODK Validate accepts publishes as it came, and takes a submission made of its own
primary instance through /openrosa/submission, once; every one Validate refuses is
refused with Validate's reason, and nothing is stored.

ODK Validate is a Java process per form, ~0.6 s: seventy of them would take the module
past 40 s. The jar validates several files in one run, so the whole folder is validated
once, and `check_xform` answers from that run for the forms it passed cleanly; any other
form (refused, or passed with warnings) goes through the real `check_xform`."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
from pyxform.validators.odk_validate import ODK_VALIDATE_PATH, ODKValidateError, check_xform

from langso.core.models import AuditEntry
from langso.surveys import xlsforms
from langso.surveys.models import FormVersion, RefusedSubmission, Submission, SurveyForm
from langso.surveys.services.forms import form_publish
from langso.surveys.testing import FormUsers
from langso.surveys.xlsforms import XLSFormRejected

from .forms_testing import (
    collector_client,
    forms_are_there,
    instance_submission,
    submission_post,
    third_party_forms,
    with_instance_id,
)

pytestmark = pytest.mark.django_db

FIXTURES = third_party_forms("odk-web-forms")
XML_FILES = sorted(FIXTURES.rglob("*.xml"))
JR = "http://openrosa.org/javarosa"
ORX = "http://openrosa.org/xforms"

# XML, but no XForm: a secondary instance that test-scenario forms attach.
NOT_XFORMS = {"xml-attachment.xml": "không phải XForm"}
# Refused by ODK Validate (JavaRosa, as ODK Collect runs it); ODK Web Forms opens some
# of them. The three geo forms give a question a default by a calculate that reads the
# question itself, which JavaRosa takes for a cycle.
REFUSED_BY_ODK_VALIDATE = {
    "geopoint-with-maps.xml": "Cycle detected",
    "geoshape.xml": "Cycle detected",
    "geotrace.xml": "Cycle detected",
    "simple-dag-cycle.xml": "Cycle detected",
    "xpath-syntax-error.xml": "Couldn't understand the expression",
    "xpath-unknown-function.xml": "cannot handle function 'nope'",
}
# Accepted by Validate, but their primary instance has no meta/instanceID: the Form
# Submission API identifies an instance by it, and the server answers 400 without one.
# Enketo and ODK Web Forms add one to what they send (web-forms#270); so does the test,
# after checking the refusal.
WITHOUT_INSTANCE_ID = {
    "06-jr-test-add-repeat-calc.xml",
    "07-jr-test-add-repeat-calc-multiple-deps.xml",
    "ImageSelectTester-alt.xml",
    "countNonEmptyForm-alt.xml",
    "range-controls.xml",
    "5-select-types.xml",
    "template-repeat-alt.xml",
    "two-secondary-instances-alt.xml",
}


def _fixture_id(path: Path) -> str:
    return str(path.relative_to(FIXTURES))


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _validated_cleanly(paths: list[Path]) -> set[str]:
    """Digests of the files one ODK Validate run over all `paths` passed with nothing
    to say: what `check_xform` answers `[]` for. Validate writes "Validating: <file>"
    before each file, and stderr goes to the same pipe, line by line in order."""
    if not paths:
        return set()  # the folder is missing: the test that checks it says so
    java = shutil.which("java")
    assert java, "ODK Validate needs Java"
    run = subprocess.run(  # noqa: S603  # our own jar and fixture paths
        [java, "-Djava.awt.headless=true", "-jar", ODK_VALIDATE_PATH, *map(str, paths)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=300,
        check=False,
    )
    sections: dict[str, list[str]] = {}
    current: list[str] = []
    for line in run.stdout.decode("utf-8", errors="replace").splitlines():
        if line.startswith("The following files failed validation"):
            break  # the summary after the last file
        if line.startswith("Validating: "):
            current = sections.setdefault(line.removeprefix("Validating: "), [])
        elif line.strip():
            current.append(line.strip())
    clean = [">> Xform parsing completed!", ">> Xform is valid!"]
    return {_digest(Path(name).read_bytes()) for name, lines in sections.items() if lines == clean}


@pytest.fixture(scope="module")
def cleanly_validated() -> set[str]:
    return _validated_cleanly(XML_FILES)


@pytest.fixture(autouse=True)
def _validate_once(cleanly_validated: set[str], monkeypatch: pytest.MonkeyPatch) -> None:
    def check(path: str) -> list[str]:
        if _digest(Path(path).read_bytes()) in cleanly_validated:
            return []
        warnings: list[str] = check_xform(path)
        return warnings

    monkeypatch.setattr(xlsforms, "check_xform", check)


def test_the_fixtures_are_there_and_the_lists_name_them() -> None:
    """A missing folder would make the tests below check nothing; a renamed file would
    leave a list naming nothing."""
    forms_are_there(FIXTURES, XML_FILES, at_least=70)
    names = [path.name for path in XML_FILES]
    assert len(set(names)) == len(names), "the lists go by file name"
    assert set(NOT_XFORMS) | set(REFUSED_BY_ODK_VALIDATE) | WITHOUT_INSTANCE_ID <= set(names)


def test_one_validate_run_agrees_with_validate_on_each_file(
    cleanly_validated: set[str], tmp_path: Path
) -> None:
    """The shortcut above answers as check_xform would: for every form that is neither
    refused nor not an XForm, and for none of the others."""
    forms_are_there(FIXTURES, XML_FILES, at_least=70)
    expected_clean = {
        _digest(path.read_bytes())
        for path in XML_FILES
        if path.name not in REFUSED_BY_ODK_VALIDATE and path.name not in NOT_XFORMS
    }
    assert cleanly_validated == expected_clean
    for name in ("minimal.xform.xml", "xpath-syntax-error.xml"):
        (path,) = (p for p in XML_FILES if p.name == name)
        copied = tmp_path / "form.xml"
        shutil.copyfile(path, copied)
        if name in REFUSED_BY_ODK_VALIDATE:
            with pytest.raises(ODKValidateError):
                check_xform(str(copied))
        else:
            assert check_xform(str(copied)) == []


@pytest.mark.parametrize("path", XML_FILES, ids=_fixture_id)
def test_an_xform_publishes_and_takes_one_submission_or_is_refused(
    path: Path, users: FormUsers
) -> None:
    data = path.read_bytes()
    refusal = NOT_XFORMS.get(path.name) or REFUSED_BY_ODK_VALIDATE.get(path.name)
    if refusal:
        with pytest.raises(XLSFormRejected) as refused:
            form_publish(actor=users.central_admin, name=path.name, data=data, unit=None)
        assert refusal in " ".join(refused.value.reasons), refused.value.reasons
        assert not SurveyForm.objects.exists()
        assert not AuditEntry.objects.exists()
        return

    version = form_publish(actor=users.central_admin, name=path.name, data=data, unit=None)
    assert version.xform == data.decode("utf-8")
    assert version.xform_hash.startswith("md5:")
    assert version.xlsform_name == path.name
    assert version.xlsform.read() == data
    assert version.itemsets == ""

    client = collector_client(users.team_member_a)
    xml, instance_id = instance_submission(version.xform)
    first = submission_post(client, xml)
    if path.name in WITHOUT_INSTANCE_ID:
        assert not instance_id
        assert first.status_code == 400, first.content
        assert "instanceID" in RefusedSubmission.objects.get().reason
        assert not Submission.objects.exists()
        RefusedSubmission.objects.all().delete()
        xml, instance_id = with_instance_id(xml)
        first = submission_post(client, xml)
    assert instance_id, "a form missing from WITHOUT_INSTANCE_ID has no meta/instanceID"
    assert first.status_code == 201, first.content
    stored = Submission.objects.get()
    assert (stored.version, stored.instance_id) == (version, instance_id)
    assert stored.xml == xml.decode()
    again = submission_post(client, xml)
    assert again.status_code == 202, again.content
    assert Submission.objects.count() == 1
    assert FormVersion.objects.count() == 1
    assert not RefusedSubmission.objects.exists()
