"""form_publish of an XForm uploaded as it is: stored byte for byte like a converted
XLSForm, and refused with a Vietnamese reason, storing nothing, when the file is not
XML, not an XForm, or not a form ODK Validate accepts."""

from __future__ import annotations

from pathlib import Path

import pytest

from langso.core.errors import DomainError
from langso.core.models import AuditEntry
from langso.places.testing import UnitTree
from langso.surveys.models import FormAttachment, FormVersion, SurveyForm
from langso.surveys.services.forms import form_attachment_upload, form_publish
from langso.surveys.testing import FormUsers
from langso.surveys.xlsforms import XLSFormRejected

from ..forms_testing import with_secondary_instance, xform_document

pytestmark = pytest.mark.django_db


def _nothing_stored(media_root: Path) -> bool:
    return (
        not SurveyForm.objects.exists()
        and not FormVersion.objects.exists()
        and not AuditEntry.objects.exists()
        and not any(path.is_file() for path in media_root.rglob("*"))
    )


def test_an_xform_is_published_as_it_came(tree: UnitTree, users: FormUsers) -> None:
    """Its id, version and title come from the XForm; its media become attachments;
    the uploaded file is kept as the version's form file."""
    data = xform_document()
    version = form_publish(
        actor=users.officer_a, name="ho-gia-dinh.xml", data=data, unit=tree.communes[0]
    )
    assert (version.form.xml_form_id, version.version) == ("ho_gia_dinh", "2026010101")
    assert version.title == "Hộ gia đình"
    assert version.xform == data.decode()
    assert version.xlsform_name == "ho-gia-dinh.xml"
    assert version.xlsform.read() == data
    assert (version.itemsets, version.warnings) == ("", [])
    (attachment,) = version.attachments.all()
    assert (attachment.name, attachment.kind) == ("nha.png", "images")


def test_an_xform_is_known_by_its_content_and_kept_as_xml(tree: UnitTree, users: FormUsers) -> None:
    """Without a version attribute the version is empty, as for an XLSForm without one;
    publishing it again is refused, saying where an XForm keeps its version."""
    data = b"\xef\xbb\xbf" + xform_document(version=None)
    commune = tree.communes[0]
    version = form_publish(actor=users.officer_a, name="ho.txt", data=data, unit=commune)
    assert version.version == ""
    assert version.xlsform_name == "ho.txt.xml"
    assert version.xform.startswith("<?xml")
    with pytest.raises(XLSFormRejected) as refused:
        form_publish(actor=users.officer_a, name="ho.xml", data=data, unit=commune)
    assert "thuộc tính version" in refused.value.reasons[0]
    assert FormVersion.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"khong phai XML", "Tệp không phải XML hợp lệ"),
        (b"<data id='ho'><ten/></data>", "Tệp XML này không phải XForm"),
        (
            b'<h:html xmlns:h="http://www.w3.org/1999/xhtml"><h:head><h:title>T</h:title>'
            b"</h:head><h:body/></h:html>",
            "Tệp XML này không phải XForm",
        ),
        (
            b'<!DOCTYPE h:html [<!ENTITY x "y">]><h:html xmlns:h="http://www.w3.org/1999/xhtml">'
            b"&x;</h:html>",
            "khai báo thực thể",
        ),
        (
            xform_document()
            .replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"')
            .decode()
            .encode("latin-1", errors="replace"),
            "UTF-8",
        ),
        (xform_document(form_id="h" * 250), "Mã biểu mẫu (form_id)"),
    ],
    ids=["not-xml", "not-an-xform", "no-model", "entity", "latin-1", "bad-form-id"],
)
def test_a_file_that_is_no_xform_is_refused_in_vietnamese(
    users: FormUsers, media_root: Path, data: bytes, expected: str
) -> None:
    with pytest.raises(XLSFormRejected) as refused:
        form_publish(actor=users.central_admin, name="bieu-mau.xml", data=data, unit=None)
    assert expected in refused.value.reasons[0]
    assert refused.value.message.startswith("Biểu mẫu bị từ chối: ")
    assert _nothing_stored(media_root)


def test_an_xform_odk_validate_refuses_is_refused_with_its_reasons(
    users: FormUsers, media_root: Path
) -> None:
    """XML and an XForm, but JavaRosa cannot parse a calculation: ODK Collect could not
    open it either. The first reason says so in Vietnamese; Validate's own follow."""
    data = xform_document(calculation="/data/so_nguoi +* 2")
    with pytest.raises(XLSFormRejected) as refused:
        form_publish(actor=users.central_admin, name="sai.xml", data=data, unit=None)
    first, *validate = refused.value.reasons
    assert first.startswith("ODK Validate")
    assert "không nhận biểu mẫu" in first
    assert any("gap_doi" in reason for reason in validate), validate
    assert not any("form.xml" in reason or "xform-" in reason for reason in validate), validate
    assert _nothing_stored(media_root)
    assert not FormAttachment.objects.exists()


def test_a_households_entity_declared_in_a_group_is_refused_naming_the_group(
    tree: UnitTree, users: FormUsers, media_root: Path
) -> None:
    """Only the entity at the form's root reaches households: one declared in a group
    (ODK entities spec 2025.1) is refused at publish rather than ignored at every
    submission."""
    data = xform_document().replace(
        b"<gap_doi/>",
        b'<gap_doi/><nhom><meta><entity dataset="households" create="1" id="">'
        b"<label/></entity></meta></nhom>",
    )
    with pytest.raises(XLSFormRejected) as refused:
        form_publish(actor=users.officer_a, name="ho.xml", data=data, unit=tree.communes[0])
    assert "“nhom” (/data/nhom)" in refused.value.reasons[0]
    assert _nothing_stored(media_root)


def test_an_xforms_own_itemsets_csv_is_uploaded_not_written_by_the_platform(
    tree: UnitTree, users: FormUsers
) -> None:
    """The platform writes itemsets.csv only from the external choices pyxform made
    of an XLSForm; an XForm that names one of its own takes the uploaded file."""
    data = with_secondary_instance(xform_document(), "jr://file-csv/itemsets.csv")
    version = form_publish(actor=users.officer_a, name="ho.xml", data=data, unit=tree.communes[0])
    itemsets = version.attachments.get(name="itemsets.csv")
    assert (itemsets.dataset, itemsets.is_ready) == ("", False)
    form_attachment_upload(
        actor=users.officer_a, attachment=itemsets, name="itemsets.csv", data=b"list_name,name\n"
    )
    itemsets.refresh_from_db()
    assert itemsets.file.read() == b"list_name,name\n"


def test_a_media_file_with_a_path_is_uploaded_under_that_path(
    tree: UnitTree, users: FormUsers
) -> None:
    """jr://file/danh-muc/xa.csv names the file "danh-muc/xa.csv": it is uploaded from
    a file named xa.csv (what a browser sends) or by its whole path, and kept under that
    name (the stored file has a random one, as every stored file)."""
    data = with_secondary_instance(xform_document(), "jr://file/danh-muc/xa.csv")
    version = form_publish(actor=users.officer_a, name="ho.xml", data=data, unit=tree.communes[0])
    csv_file = version.attachments.get(name="danh-muc/xa.csv")
    form_attachment_upload(actor=users.officer_a, attachment=csv_file, name="xa.csv", data=b"a\n")
    csv_file.refresh_from_db()
    assert csv_file.is_ready
    assert csv_file.name == "danh-muc/xa.csv"
    assert csv_file.file.read() == b"a\n"
    with pytest.raises(DomainError):
        form_attachment_upload(
            actor=users.officer_a, attachment=csv_file, name="khac/xa2.csv", data=b"b\n"
        )


@pytest.mark.parametrize("src", ["jr://file/../bi-mat.csv", "jr://file/a//b.csv"])
def test_a_media_path_that_leaves_the_forms_folder_is_refused(
    tree: UnitTree, users: FormUsers, media_root: Path, src: str
) -> None:
    data = with_secondary_instance(xform_document(), src)
    with pytest.raises(XLSFormRejected) as refused:
        form_publish(actor=users.officer_a, name="ho.xml", data=data, unit=tree.communes[0])
    assert src.removeprefix("jr://file/") in refused.value.reasons[0]
    assert _nothing_stored(media_root)
