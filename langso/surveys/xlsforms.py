"""XLSForm → XForm with pyxform, or an XForm written by hand or by another tool taken
as it is; either checked by ODK Validate. And what the server needs to know of an
XForm: its id, version, title, media files and entity lists.

pyxform runs ODK Validate (a bundled jar, JavaRosa inside) in a Java process per form,
about 0.4 s: the same engine ODK Collect fills forms with, so a form it accepts opens on
the phones. An uploaded XForm goes through the same jar by pyxform's own wrapper. No
database, no Django models here: `services.form_publish` stores the result.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element  # types only; parsing is defusedxml

from defusedxml import ElementTree
from django.utils import translation
from django.utils.translation import gettext as _
from pyxform.errors import PyXFormError
from pyxform.validators.odk_validate import ODKValidateError, check_xform
from pyxform.xls2xform import convert

from langso.core.errors import DomainError
from langso.core.tabular import xlsx_check
from langso.core.text import without_diacritics

from .openrosa import form_version_of

XFORMS = "http://www.w3.org/2002/xforms"
XHTML = "http://www.w3.org/1999/xhtml"
ENTITIES = "http://www.opendatakit.org/xforms/entities"
# Files an XForm may refer to, as ODK Collect and Enketo resolve them.
_MEDIA = re.compile(r"jr://(images|audio|video|file|file-csv)/([^\s\"'<>)]+)")
# OpenRosa's metadata scheme: servers must take form ids of up to 249 characters, and
# an id may read "scheme:value" or be an xmlns URL, so "/", ":" and spaces are part of
# ids ODK Validate accepts (URLs carry them encoded). Control characters cannot stand
# in an XML attribute as written, and a leading space would not survive a form list.
MAX_FORM_ID_LENGTH = 249
_FORM_ID = re.compile(rf"(?!\s)[^\x00-\x1f\x7f]{{1,{MAX_FORM_ID_LENGTH}}}")
# What pyxform reads, by the first bytes of the file (a name's suffix can lie: an old
# .xls renamed .xlsx is common).
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0"
_BOM = b"\xef\xbb\xbf"
TEXT_SUFFIXES = (".csv", ".md")
# A form's survey is a few hundred rows; a choices sheet may list a province's villages,
# a few thousand. Far past both, and still scanned in a moment.
XLSFORM_MAX_ROWS = 100_000
XFORM_SUFFIX = ".xml"
# ODK Validate fails open in two cases, leaving only a warning; both are refusals here.
_VALIDATE_GAVE_UP = ("took to long to completely validate", "Bad return code from ODK Validate")
_VALIDATE_HEADINGS = ("ODK Validate Errors", "XForm is invalid.", "Something broke the parser.")


class XLSFormRejected(DomainError):
    """The file (an XLSForm or an XForm) is not a form ODK tools can fill. `reasons`
    are pyxform's or ODK Validate's own words, one per problem."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__(_("Biểu mẫu bị từ chối: %(reason)s") % {"reason": reasons[0]})
        self.reasons = reasons


@dataclass(frozen=True)
class XFormInfo:
    """What the server needs to know of an XForm."""

    form_id: str
    version: str
    title: str
    # File names the form refers to (jr://images/a.png → "a.png"), in order of use.
    media: tuple[str, ...] = ()
    # Entity lists the form creates or updates (`entities` sheet), by dataset name.
    entity_datasets: tuple[str, ...] = ()
    # Properties each form field saves to (`save_to`): field path → property.
    saves_to: dict[str, str] = field(default_factory=dict)
    # Entities declared below the form's root (ODK entities spec 2025.1: in a group or
    # a repeat), as (dataset, path of the group or repeat holding the declaration).
    nested_entities: tuple[tuple[str, str], ...] = ()
    # Instance paths of the form's repeats (body `repeat` nodesets).
    repeats: tuple[str, ...] = ()


@dataclass(frozen=True)
class ConvertedForm:
    xform: str
    info: XFormInfo
    warnings: tuple[str, ...]
    # CSV of external choices (select_one_external), when the form has any.
    itemsets: str | None
    # Uploaded as an XForm, not converted from an XLSForm.
    is_xform: bool = False


def _suffix(name: str, data: bytes) -> str:
    if data.startswith(_ZIP):
        return ".xlsx"
    if data.startswith(_OLE):
        return ".xls"
    suffix = Path(name).suffix.lower()
    # An XForm is XML whatever its name says; neither a .csv nor a .md XLSForm starts
    # with "<".
    if suffix == XFORM_SUFFIX or data[:4096].removeprefix(_BOM).lstrip().startswith(b"<"):
        return XFORM_SUFFIX
    if suffix in TEXT_SUFFIXES:
        return suffix
    raise XLSFormRejected(
        [
            _(
                "Tệp không phải biểu mẫu: cần XLSForm (.xlsx, .xls, hoặc .csv, .md theo "
                "chuẩn XLSForm) hoặc XForm (.xml)."
            )
        ]
    )


def _stem(name: str) -> str:
    """A file name pyxform can take a form id from when the form's settings give none."""
    ascii_name = unicodedata.normalize("NFKD", without_diacritics(Path(name).stem))
    ascii_name = ascii_name.encode("ascii", "ignore").decode()
    ascii_name = re.sub(r"[^A-Za-z0-9_]+", "_", ascii_name).strip("_")
    if not ascii_name or not ascii_name[0].isalpha():
        ascii_name = f"form_{ascii_name}".rstrip("_")
    return ascii_name[:64]


def _validate_message(exc: ODKValidateError) -> list[str]:
    """ODK Validate's messages, after a line that says in Vietnamese what they are,
    without its temporary file names, its summary lines and its generic headings."""
    lines = [_("ODK Validate (bộ đọc biểu mẫu của ODK Collect) không nhận biểu mẫu này.")]
    for line in str(exc).splitlines():
        line = line.strip().lstrip(">").strip().lstrip(":").strip()
        if line.startswith(("The following files failed", "Result:")):
            break  # what follows names the temporary files
        if not line or "${tmp" in line or line.startswith(_VALIDATE_HEADINGS):
            continue
        lines.append(line)
    return lines if len(lines) > 1 else [*lines, str(exc)]


def _refuse_if_validate_gave_up(warnings: list[str]) -> None:
    gave_up = [w for w in warnings if any(marker in w for marker in _VALIDATE_GAVE_UP)]
    if gave_up:
        raise XLSFormRejected(
            [_("ODK Validate không kiểm tra xong biểu mẫu nên chưa thể đăng."), *gave_up]
        )


# Forms this process converted lately, by their bytes, the name pyxform may take their
# id from and the language of the reasons: the converted form, or why it was refused. An officer who
# uploads the same file again (a retry, a second version of the form set up from it)
# waits a second or two less for Java; the suite publishes its fixtures many times.
_CONVERTED: OrderedDict[tuple[str, str, str], ConvertedForm | list[str]] = OrderedDict()
_CONVERTED_KEPT = 32


def xlsform_convert(*, name: str, data: bytes) -> ConvertedForm:
    """The XForm of an uploaded form, validated by ODK Validate: an XLSForm pyxform
    converts, or an XForm (.xml) kept as it came, but for a byte order mark. Anything
    pyxform or Validate refuses raises XLSFormRejected with their reasons. The same
    bytes under the same name are converted once per process (see `_CONVERTED`)."""
    key = (hashlib.sha256(data).hexdigest(), _stem(name), translation.get_language() or "")
    if key not in _CONVERTED:
        try:
            _CONVERTED[key] = _convert(name, data)
        except XLSFormRejected as refused:
            _CONVERTED[key] = refused.reasons
        while len(_CONVERTED) > _CONVERTED_KEPT:
            _CONVERTED.popitem(last=False)
    _CONVERTED.move_to_end(key)
    found = _CONVERTED[key]
    if isinstance(found, list):
        raise XLSFormRejected(list(found))
    return found


def _convert(name: str, data: bytes) -> ConvertedForm:
    suffix = _suffix(name, data)
    if suffix == XFORM_SUFFIX:
        return _xform_check(data)
    if data.startswith(_ZIP):
        # Refused before pyxform opens it when it would unpack to far more than a form.
        try:
            xlsx_check(data, max_rows=XLSFORM_MAX_ROWS)
        except DomainError as exc:
            raise XLSFormRejected([exc.message]) from exc
    warnings: list[str] = []
    with tempfile.TemporaryDirectory(prefix="xlsform-") as folder:
        # A file named as uploaded: without a form_id setting, pyxform takes the name.
        path = Path(folder) / f"{_stem(name)}{suffix}"
        path.write_bytes(data)
        try:
            result = convert(xlsform=str(path), validate=True, warnings=warnings)
        except ODKValidateError as exc:
            raise XLSFormRejected(_validate_message(exc)) from exc
        except PyXFormError as exc:
            raise XLSFormRejected([str(exc)]) from exc
        except OSError:  # Java missing: a server fault, not the uploader's
            raise
        except Exception as exc:
            # pyxform meets some malformed sheets with plain Python errors (a choices
            # data file read as a form raises TypeError): the uploader's file is at fault.
            raise XLSFormRejected(
                [_("pyxform không đọc được tệp: %(error)s") % {"error": exc}]
            ) from exc
    _refuse_if_validate_gave_up(warnings)
    info = xform_info(result.xform)
    return ConvertedForm(
        xform=result.xform,
        info=info,
        warnings=tuple(warnings),
        itemsets=result.itemsets,
    )


def _xform_text(data: bytes) -> str:
    """The uploaded XForm as text, once it is known to be one: XML whose root is the
    XHTML html element with an XForms model in its head, as ODK tools read it."""
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise XLSFormRejected([_("Tệp không phải XML hợp lệ: %(error)s") % {"error": exc}]) from exc
    except ValueError as exc:  # defusedxml refuses entity declarations
        raise XLSFormRejected([_("Tệp XML chứa khai báo thực thể (DTD); không nhận.")]) from exc
    if root.tag != f"{{{XHTML}}}html" or root.find(f"{{{XHTML}}}head/{{{XFORMS}}}model") is None:
        raise XLSFormRejected(
            [
                _(
                    "Tệp XML này không phải XForm: cần phần tử gốc h:html (không gian tên "
                    "XHTML) có h:head chứa model của XForms."
                )
            ]
        )
    try:
        return data.removeprefix(_BOM).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise XLSFormRejected([_("XForm phải mã hoá UTF-8.")]) from exc


def _xform_check(data: bytes) -> ConvertedForm:
    """An uploaded XForm, checked by ODK Validate through pyxform's wrapper of it (the
    same command, messages and fail-open cases as a converted XLSForm)."""
    xform = _xform_text(data)
    info = xform_info(xform)  # its id and main instance, before a Java process is spent
    with tempfile.TemporaryDirectory(prefix="xform-") as folder:
        path = Path(folder) / f"form{XFORM_SUFFIX}"
        # What collectors will download: JavaRosa reads a byte order mark as a syntax
        # error, so the one Windows editors add is left out.
        path.write_bytes(xform.encode())
        try:
            warnings = list(check_xform(str(path)))
        except ODKValidateError as exc:
            raise XLSFormRejected(_validate_message(exc)) from exc
        # OSError (Java missing) is a server fault, not the uploader's: it propagates.
    _refuse_if_validate_gave_up(warnings)
    return ConvertedForm(
        xform=xform, info=info, warnings=tuple(warnings), itemsets=None, is_xform=True
    )


def _main_instance_root(model: Element) -> Element:
    for instance in model.findall(f"{{{XFORMS}}}instance"):
        if instance.get("id") is None:
            children = list(instance)
            if children:
                return children[0]
    raise XLSFormRejected([_("XForm không có instance chính.")])


def xform_info(xform: str) -> XFormInfo:
    """Id, version, title, media, entity lists and save_to properties of an XForm."""
    try:
        root = ElementTree.fromstring(xform)
    except ElementTree.ParseError as exc:
        raise XLSFormRejected(
            [_("XForm không phải XML hợp lệ: %(error)s") % {"error": exc}]
        ) from exc
    head = root.find(f"{{{XHTML}}}head")
    model = head.find(f"{{{XFORMS}}}model") if head is not None else None
    if head is None or model is None:
        raise XLSFormRejected([_("XForm thiếu phần head/model.")])
    data = _main_instance_root(model)
    form_id = data.get("id") or ""
    if not _FORM_ID.fullmatch(form_id):
        raise XLSFormRejected(
            [
                _(
                    "Mã biểu mẫu (form_id) “%(id)s” không hợp lệ: cần từ 1 đến %(max)s ký "
                    "tự, không có ký tự điều khiển, không bắt đầu bằng khoảng trắng (mã "
                    "này dài %(length)s ký tự)."
                )
                % {"id": form_id[:80], "max": MAX_FORM_ID_LENGTH, "length": len(form_id)}
            ]
        )
    title = (head.findtext(f"{{{XHTML}}}title") or form_id).strip()
    declarations = _entity_declarations(data)
    datasets = [dataset for dataset, _path in declarations]
    body = root.find(f"{{{XHTML}}}body")
    repeats = (
        dict.fromkeys(r.get("nodeset", "") for r in body.iter(f"{{{XFORMS}}}repeat"))
        if body is not None
        else {}
    )
    saves_to = {
        bind.get("nodeset", ""): value
        for bind in model.findall(f"{{{XFORMS}}}bind")
        if (value := bind.get(f"{{{ENTITIES}}}saveto"))
    }
    media = dict.fromkeys(match.group(2) for match in _MEDIA.finditer(xform))
    for name in media:
        _check_media_path(name)
    return XFormInfo(
        form_id=form_id,
        version=form_version_of(data),
        title=title[:200],
        media=tuple(media),
        entity_datasets=tuple(d for d in dict.fromkeys(datasets) if d),
        saves_to=saves_to,
        nested_entities=tuple(
            (dataset, path)
            for dataset, path in dict.fromkeys(declarations)
            if path != f"/{_local(data.tag)}"
        ),
        repeats=tuple(r for r in repeats if r),
    )


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


MAX_MEDIA_PATH_LENGTH = 255


def _check_media_path(name: str) -> None:
    """A media file's path under the form's media folder (jr://file/a/b.csv: "a/b.csv"),
    as collectors' phones store it: plain names separated by "/", none "." or "..",
    which would reach outside the folder."""
    parts = name.split("/")
    if (
        len(name) > MAX_MEDIA_PATH_LENGTH
        or "\\" in name
        or any(part in ("", ".", "..") for part in parts)
    ):
        raise XLSFormRejected(
            [
                _(
                    "Đường dẫn tệp đính kèm “%(name)s” không hợp lệ: cần các tên tệp, thư mục "
                    "ngăn bằng “/”, không có phần rỗng, “.” hay “..”, không có “\\”, tối "
                    "đa %(max)s ký tự."
                )
                % {"name": name[:300], "max": MAX_MEDIA_PATH_LENGTH}
            ]
        )


def _entity_declarations(data: Element) -> list[tuple[str, str]]:
    """(dataset, path of the element whose `meta` holds it) of every `entity` of the
    primary instance, in document order; a repeat's template and its first instance
    give the same pair."""
    found: list[tuple[str, str]] = []

    def walk(element: Element, path: str) -> None:
        for child in element:
            name = _local(child.tag)
            if name == "meta":
                found.extend(
                    (entity.get("dataset", ""), path)
                    for entity in child
                    if _local(entity.tag) == "entity"
                )
            walk(child, f"{path}/{name}")

    walk(data, f"/{_local(data.tag)}")
    return found


def media_kind(xform: str, name: str) -> str:
    """How the form refers to `name`: images, audio, video, file or file-csv."""
    for match in _MEDIA.finditer(xform):
        if match.group(2) == name:
            return match.group(1)
    return "file"
