"""XLSForm conversion: pyxform's and ODK Validate's refusals reach the uploader in
their own words; what the server needs is read from the XForm."""

from __future__ import annotations

import io
from typing import IO, Any

import pytest
from openpyxl import Workbook
from pyxform.xls2xform import convert

from langso.core.testing import xlsx_with_member
from langso.surveys import xlsforms
from langso.surveys.xlsforms import XLSFormRejected, xform_info, xlsform_convert

from .forms_testing import markdown_form


def test_a_form_converts_with_its_id_version_title_and_media() -> None:
    converted = xlsform_convert(name="khao-sat.md", data=markdown_form(version="2025112501"))
    info = converted.info
    assert (info.form_id, info.version) == ("khao_sat_thu", "2025112501")
    assert info.title == "Khảo sát thử khao_sat_thu"
    assert info.media == ("nha.png",)
    assert 'lang="English (en)"' in converted.xform
    # pyxform's own warning, kept for the uploader.
    assert any("image" in warning for warning in converted.warnings)


def test_the_same_file_is_converted_once_and_a_refusal_is_given_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A second upload of the same bytes under the same name gets the same form (or the
    same reasons) without pyxform and Java again; another name is converted anew."""
    runs: list[str] = []
    real = convert

    def counted(**kwargs: Any) -> Any:
        runs.append(str(kwargs["xlsform"]))
        return real(**kwargs)

    monkeypatch.setattr(xlsforms, "convert", counted)
    data = markdown_form(version="2026120801")
    first = xlsform_convert(name="lan-dau.md", data=data)
    assert xlsform_convert(name="lan-dau.md", data=data) == first
    assert len(runs) == 1
    xlsform_convert(name="ten-khac.md", data=data)
    assert len(runs) == 2
    bad = markdown_form(extra_rows="| | select_one khong_co | chon | Chọn | Pick | |")
    for _ in range(2):
        with pytest.raises(XLSFormRejected) as refused:
            xlsform_convert(name="hong.md", data=bad)
        assert "choices sheet" in refused.value.reasons[0]
    assert len(runs) == 3


def test_pyxform_refusals_carry_pyxform_words() -> None:
    bad = markdown_form(extra_rows="| | select_one khong_co | chon | Chọn | Pick | |")
    with pytest.raises(XLSFormRejected) as refused:
        xlsform_convert(name="x.md", data=bad)
    assert "choices sheet" in refused.value.reasons[0]
    assert refused.value.message.startswith("Biểu mẫu bị từ chối: There should be a choices")


def test_odk_validate_refusals_name_the_bad_field() -> None:
    """A calculation pyxform lets through but JavaRosa cannot parse."""
    form = """
| survey |
| | type      | name | label | calculation  |
| | integer   | a    | A     |              |
| | calculate | b    |       | ${a} +* 2    |
| settings |
| | form_id |
| | tinh_sai |
"""
    with pytest.raises(XLSFormRejected) as refused:
        xlsform_convert(name="tinh.md", data=form.encode())
    reasons = " ".join(refused.value.reasons)
    assert "${b}" in reasons or "/data/b" in reasons, reasons
    assert "tmp" not in reasons


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("anh.png", b"\x89PNG\r\n\x1a\n"),
        ("bieu-mau.pdf", b"%PDF-1.7"),
        ("trong.xlsx", b""),
    ],
)
def test_files_that_are_not_xlsforms_are_refused(name: str, data: bytes) -> None:
    with pytest.raises(XLSFormRejected) as refused:
        xlsform_convert(name=name, data=data)
    assert "XLSForm" in refused.value.reasons[0]


def test_form_ids_follow_odks_rules_not_a_url_paths() -> None:
    """ODK Validate takes a form id with "/" (an xmlns-like "getodk.org:a/b") and
    OpenRosa asks servers to take ids of up to 249 characters: both publish, and the
    URLs encode them. Past 249 characters the id is refused, saying so."""
    assert xlsform_convert(
        name="x.md", data=markdown_form(form_id="du-an.vn:khao/sat")
    ).info.form_id == ("du-an.vn:khao/sat")
    long_id = "k" * 249
    assert xlsform_convert(name="x.md", data=markdown_form(form_id=long_id)).info.form_id == long_id
    with pytest.raises(XLSFormRejected) as refused:
        xlsform_convert(name="x.md", data=markdown_form(form_id="k" * 250))
    assert "249" in refused.value.reasons[0]


def test_without_a_form_id_the_file_name_gives_one() -> None:
    form = """
| survey |
| | type | name | label |
| | text | a    | A     |
"""
    info = xlsform_convert(name="Khảo sát hộ 2026.md", data=form.encode()).info
    assert info.form_id == "Khao_sat_ho_2026"
    assert info.version == ""


def test_a_file_name_keeps_its_d_with_stroke_in_the_form_id() -> None:
    """ "Điều tra hộ" gives `Dieu_tra_ho`, not `ieu_tra_ho`: "Đ" is a letter of its own
    that ASCII folding would drop, so it is folded to "D" first."""
    form = """
| survey |
| | type | name | label |
| | text | a    | A     |
"""
    assert xlsform_convert(name="Điều tra hộ đồng.md", data=form.encode()).info.form_id == (
        "Dieu_tra_ho_dong"
    )


def test_entity_lists_and_save_to_are_read_from_the_xform() -> None:
    form = """
| survey |
| | type                                  | name     | label    | save_to |
| | select_one_from_file households.csv   | ho       | Hộ       |         |
| | integer                               | so_nguoi | Số người | members |
| entities |
| | list_name  | label    | entity_id |
| | households | ${ho}    | ${ho}     |
| settings |
| | form_id  | version |
| | cap_nhat | 3       |
"""
    info = xlsform_convert(name="cap-nhat.md", data=form.encode()).info
    assert info.entity_datasets == ("households",)
    assert info.saves_to == {"/data/so_nguoi": "members"}
    assert info.media == ("households.csv",)


def test_an_xform_that_is_not_xml_is_refused() -> None:
    with pytest.raises(XLSFormRejected):
        xform_info("<h:html")


def test_an_xlsform_that_unpacks_to_millions_of_rows_is_refused_before_pyxform(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An XLSForm whose survey sheet holds 5 million empty rows in a few tens of KB is
    refused from the inspection of its zip, naming the limit; pyxform never reads it."""

    def refuse(**kwargs: object) -> None:
        raise AssertionError("pyxform read a file the inspection should have refused")

    monkeypatch.setattr(xlsforms, "convert", refuse)
    book = Workbook()
    survey = book.worksheets[0]
    survey.title = "survey"
    survey.append(["type", "name", "label"])
    survey.append(["text", "ten", "Tên"])
    source = io.BytesIO()
    book.save(source)

    def empty_rows(member: IO[bytes]) -> None:
        member.write(
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b"<sheetData>"
        )
        for _chunk in range(50):
            member.write(b"<row/>" * 100_000)
        member.write(b"</sheetData></worksheet>")

    bomb = xlsx_with_member(source.getvalue(), "xl/worksheets/sheet1.xml", empty_rows)
    with pytest.raises(XLSFormRejected) as refused:
        xlsform_convert(name="bieu-mau.xlsx", data=bomb)
    assert "giới hạn" in refused.value.reasons[0]
