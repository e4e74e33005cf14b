"""Small forms for the surveys tests, each whole in the test that uses it: XLSForms in
pyxform's markdown form (a table per sheet), and a hand-written XForm; every form file
the suite publishes, and submissions made of a form's primary instance."""

from __future__ import annotations

import base64
import copy
import os
import uuid
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring  # writing only

import pytest
from defusedxml import ElementTree
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from langso.accounts.models import User
from langso.places.models import AdminUnit
from langso.surveys.models import FormAttachment, FormVersion, SurveyForm
from langso.surveys.services.collectors import collector_credential_issue
from langso.surveys.services.forms import SHIPPED_FORMS
from langso.surveys.xlsforms import XFORMS, XHTML

# A form choosing a household from the list the platform writes per collector.
HOUSEHOLD_LIST_FORM = """
| survey |
| | type | name | label |
| | select_one_from_file households.csv | ho | Hộ |
| | integer | so_nguoi | Số người |
| settings |
| | form_id | version |
| | chon_ho | 1 |
""".encode()

# The shipped household survey (langso/surveys/forms/khao_sat_san_sang_so_ho.xlsx).
HOUSEHOLD_FORM_ID = "khao_sat_san_sang_so_ho"
HOUSEHOLD_FORM_VERSION = "2026112501"


def markdown_form(
    *, form_id: str = "khao_sat_thu", version: str = "1", extra_rows: str = "", title: str = ""
) -> bytes:
    """A form with a text and an integer question and an image, and `extra_rows` added
    to its survey sheet."""
    return f"""
| survey |
| | type | name | label::Tiếng Việt (vi) | label::English (en) | media::image::Tiếng Việt (vi) |
| | text | ten | Tên chủ hộ | Head's name | nha.png |
| | integer | so_nguoi | Số nhân khẩu | Members | |
{extra_rows}
| settings |
| | form_id   | version   | form_title                         | default_language   |
| | {form_id} | {version} | {title or "Khảo sát thử " + form_id} | Tiếng Việt (vi)    |
""".encode()


def form_row(
    form_id: str, *, unit: AdminUnit | None, title: str = "", media: tuple[str, ...] = ()
) -> SurveyForm:
    """A form with one version and its uploaded media files, written straight to the
    database (no pyxform, no ODK Validate, no file stored): rows for who-reaches-what
    and query counts, never a form to fill."""
    form = SurveyForm.objects.create(xml_form_id=form_id, title=title or form_id, unit=unit)
    version = FormVersion.objects.create(
        form=form,
        version="1",
        title=form.title,
        xform=f'<h:html id="{form_id}"/>',
        xform_hash="md5:0",
    )
    for name in media:
        FormAttachment.objects.create(
            version=version,
            name=name,
            kind=FormAttachment.Kind.IMAGE,
            file=f"surveys/media/{form_id}-{name}",
            file_hash="md5:0",
        )
    return form


def third_party_forms(project: str) -> Path:
    """The folder of forms `project` wrote, vendored with its licence and NOTICE under
    tests/fixtures/third_party/ (LANGSO_THIRD_PARTY_FIXTURES names another root, which a
    test uses to check a checkout without them). The folder may be missing: modules list
    its files at import, so this must not raise; `forms_are_there` fails the test that
    needs them instead."""
    root = os.environ.get("LANGSO_THIRD_PARTY_FIXTURES") or (
        Path(settings.BASE_DIR) / "tests" / "fixtures" / "third_party"
    )
    return Path(root) / project


def forms_are_there(folder: Path, found: list[Path], *, at_least: int) -> None:
    """Fail, naming the folder, when it is missing or holds fewer forms than the tests
    expect: an empty list would make the tests parametrized over it check nothing."""
    if not folder.is_dir():
        pytest.fail(f"The third-party forms are missing: {folder} is not a folder.")
    assert len(found) >= at_least, f"{len(found)} forms in {folder}, expected {at_least}"


def collector_client(user: User) -> Client:
    """A test client signed in as ODK Collect signs in: Basic with an app password."""
    token = collector_credential_issue(actor=user)
    secret = base64.b64encode(f"{user.username}:{token}".encode()).decode()
    return Client(HTTP_AUTHORIZATION=f"Basic {secret}")


def submission_post(client: Client, xml: bytes, *files: tuple[str, bytes], **fields: str) -> Any:
    """POST an instance (and attachment files) to the OpenRosa submission endpoint."""
    data: dict[str, object] = {"xml_submission_file": SimpleUploadedFile("submission.xml", xml)}
    for index, (name, content) in enumerate(files):
        data[f"file{index}"] = SimpleUploadedFile(name, content)
    data.update(fields)
    return client.post(reverse("openrosa:submission"), data)


def household_instance(
    *,
    uuid: str,
    household: str = "",
    base_version: int | str = "",
    values: dict[str, object] | None = None,
    outcome: str = "surveyed",
    help_given: tuple[str, ...] = (),
    new_household: dict[str, str] | None = None,
    deprecated: str = "",
    visit_date: str = "2026-11-20",
) -> bytes:
    """An instance of the shipped household survey as ODK Collect writes it: an update of
    `household` seen at `base_version`, or, with `new_household` (village, head_name,
    house_number), a household found in the field."""
    values = values or {}

    def field(name: str) -> str:
        value = values.get(name, "")
        return f"<{name}>{value}</{name}>"

    on_list = "no" if new_household else "yes"
    new = new_household or {}
    entity = (
        f'<entity dataset="households" create="1" update="" baseVersion="" id="uuid:{uuid}-new">'
        f"<label>{new.get('head_name', '')}</label></entity>"
        if new_household
        else f'<entity dataset="households" create="" update="1" baseVersion="{base_version}" '
        f'id="{household}"><label/></entity>'
    )
    groups = {
        "nhan_khau": ("members", "adults"),
        "san_sang_so": (
            "adults_smartphone",
            "adults_epayment",
            "adults_vneid",
            "adults_public_service",
        ),
        "ket_noi": ("broadband", "mobile_coverage", "has_tv", "has_radio"),
    }
    body = "".join(
        f"<{group}>{''.join(field(n) for n in names)}</{group}>" for group, names in groups.items()
    )
    meta = f"<instanceID>uuid:{uuid}</instanceID>"
    if deprecated:
        meta += f"<deprecatedID>uuid:{deprecated}</deprecatedID>"
    return (
        f'<data xmlns:jr="http://openrosa.org/javarosa" id="{HOUSEHOLD_FORM_ID}" '
        f'version="{HOUSEHOLD_FORM_VERSION}"><visit_date>{visit_date}</visit_date>'
        f"<ho><on_list>{on_list}</on_list><household>{household}</household>"
        f"<cur_members/><cur_adults/><village>{new.get('village', '')}</village>"
        f"<head_name>{new.get('head_name', '')}</head_name>"
        f"<house_number>{new.get('house_number', '')}</house_number></ho>"
        f"<visit_outcome>{outcome}</visit_outcome>{body}"
        f"<help_given>{' '.join(help_given)}</help_given>{field('location')}"
        f"<meta>{entity}{meta}</meta></data>"
    ).encode()


def xform_document(
    *,
    form_id: str = "ho_gia_dinh",
    version: str | None = "2026010101",
    calculation: str = "/data/so_nguoi * 2",
    orx_version: str | None = None,
) -> bytes:
    """A hand-written XForm: an integer, a calculation on it (`calculation`), an image
    label, and meta/instanceID. `version=None` leaves the version attribute out;
    `orx_version` writes one in the OpenRosa namespace, as some form builders do."""
    version_attribute = "" if version is None else f' version="{version}"'
    if orx_version is not None:
        version_attribute += f' orx:version="{orx_version}"'
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml"
        xmlns:jr="http://openrosa.org/javarosa" xmlns:orx="http://openrosa.org/xforms">
  <h:head>
    <h:title>Hộ gia đình</h:title>
    <model>
      <itext>
        <translation lang="Tiếng Việt (vi)" default="true()">
          <text id="/data/so_nguoi:label">
            <value>Số nhân khẩu</value>
            <value form="image">jr://images/nha.png</value>
          </text>
        </translation>
      </itext>
      <instance>
        <data id="{form_id}"{version_attribute}>
          <so_nguoi/>
          <gap_doi/>
          <meta><instanceID/></meta>
        </data>
      </instance>
      <bind nodeset="/data/so_nguoi" type="int"/>
      <bind nodeset="/data/gap_doi" type="int" calculate="{calculation}"/>
      <bind nodeset="/data/meta/instanceID" type="string" readonly="true()" jr:preload="uid"/>
    </model>
  </h:head>
  <h:body>
    <input ref="/data/so_nguoi"><label ref="jr:itext('/data/so_nguoi:label')"/></input>
  </h:body>
</h:html>
""".encode()


def with_secondary_instance(xform: bytes, src: str) -> bytes:
    """`xform_document()` with a secondary instance read from `src` (a jr:// URL)."""
    return xform.replace(
        b'<bind nodeset="/data/so_nguoi"',
        f'<instance id="ds" src="{src}"/>\n      <bind nodeset="/data/so_nguoi"'.encode(),
        1,
    )


JR = "http://openrosa.org/javarosa"
ORX = "http://openrosa.org/xforms"
XLSFORM_SUFFIXES = {".xls", ".xlsx", ".csv", ".md"}


def suite_form_files() -> list[Path]:
    """Every form file the suite publishes: the forms Làng Số ships, then those of
    other projects vendored under tests/fixtures/third_party/: pyxform's example
    XLSForms, and ODK Web Forms' XLSForms and XForms. Some of them are refused at
    publish, as the fixture tests say which and why. A missing vendored folder leaves
    its forms out (its own tests fail, naming it) rather than failing the collection."""
    examples = third_party_forms("pyxform-examples")
    web_forms = third_party_forms("odk-web-forms")
    return [
        *SHIPPED_FORMS,
        *(p for p in sorted(examples.glob("*")) if p.suffix in XLSFORM_SUFFIXES),
        *sorted(web_forms.rglob("*.xlsx")),
        *sorted(web_forms.rglob("*.xml")),
    ]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _xml(root: Element) -> bytes:
    body: bytes = tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body


def _drop_repeat_templates(root: Element) -> None:
    """Repeat templates (jr:template) are the form's, never part of a submission."""
    for parent in list(root.iter()):
        for child in list(parent):
            if child.get(f"{{{JR}}}template") is not None:
                parent.remove(child)


def _computed_attributes(model: Element) -> set[str]:
    """Instance paths of attributes the form computes ("/data/meta/entity/@update")."""
    return {
        bind.get("nodeset", "")
        for bind in model.iter(f"{{{XFORMS}}}bind")
        if "/@" in bind.get("nodeset", "") and bind.get("calculate") is not None
    }


def _clear_computed_entity_actions(data: Element, computed: set[str]) -> None:
    """An entity's create/update the form computes (create_if, update_if) hold "1" as
    a default until the client evaluates them: left untouched, every submission would
    ask to update an entity with no id. They are left as a client would write them
    with the conditions false, which the spec allows: the instance creates or updates
    nothing."""

    def walk(element: Element, path: str) -> None:
        for child in element:
            child_path = f"{path}/{_local(child.tag)}"
            if _local(child.tag) == "entity":
                for action in ("create", "update"):
                    if f"{child_path}/@{action}" in computed and action in child.attrib:
                        child.set(action, "")
            walk(child, child_path)

    walk(data, f"/{_local(data.tag)}")


def instance_submission(xform: str) -> tuple[bytes, str]:
    """A submission as ODK Collect would make it of the form untouched: the primary
    instance's root with its id and version, its elements out of the XForms namespace,
    without repeat templates, entity actions the form computes left false, and a fresh
    meta/instanceID (empty when there is none)."""
    model = ElementTree.fromstring(xform).find(f"{{{XHTML}}}head/{{{XFORMS}}}model")
    instance = next(i for i in model.iter(f"{{{XFORMS}}}instance") if i.get("id") is None)
    data = copy.deepcopy(next(iter(instance)))
    _drop_repeat_templates(data)
    _clear_computed_entity_actions(data, _computed_attributes(model))
    instance_id = ""
    for element in data.iter():
        element.tag = element.tag.removeprefix(f"{{{XFORMS}}}")
        if _local(element.tag) == "meta":
            for child in element:
                if _local(child.tag) == "instanceID":
                    instance_id = child.text = f"uuid:{uuid.uuid4()}"
    return _xml(data), instance_id


def with_instance_id(xml: bytes) -> tuple[bytes, str]:
    """The submission with the meta/instanceID that Enketo and ODK Web Forms add to an
    instance whose form declares none."""
    root = ElementTree.fromstring(xml)
    meta = next((e for e in root if _local(e.tag) == "meta"), None)
    if meta is None:
        meta = SubElement(root, f"{{{ORX}}}meta")
    instance_id = f"uuid:{uuid.uuid4()}"
    SubElement(meta, f"{{{ORX}}}instanceID").text = instance_id
    return _xml(root), instance_id


def submission_edit(xml: bytes) -> tuple[bytes, str]:
    """An edit of the submission, as ODK Collect sends one: a new meta/instanceID, and
    the old one as meta/deprecatedID, beside it in the same namespace."""
    root = ElementTree.fromstring(xml)
    meta = next(e for e in root if _local(e.tag) == "meta")
    current = next(e for e in meta if _local(e.tag) == "instanceID")
    namespace = current.tag[: -len("instanceID")]
    for old in [e for e in meta if _local(e.tag) == "deprecatedID"]:
        meta.remove(old)
    SubElement(meta, f"{namespace}deprecatedID").text = current.text
    instance_id = current.text = f"uuid:{uuid.uuid4()}"
    return _xml(root), instance_id


def submission_other_body(xml: bytes) -> bytes:
    """Another instance under the same meta/instanceID: one more answer at the root."""
    root = ElementTree.fromstring(xml)
    SubElement(root, "khac").text = "1"
    return _xml(root)
