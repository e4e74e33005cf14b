"""The OpenRosa 1.0 wire format: the form list, the manifest, the response to a
submission, and what the server reads from a submitted instance. No HTTP and no
database here: the views speak HTTP, the services store.

Specs: OpenRosa Form List API, Form Submission API and Authentication API
(docs.getodk.org/openrosa-*), and ODK's additions (entities, `*isIncomplete*`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from xml.etree.ElementTree import Element, SubElement, tostring  # writing only

from defusedxml import ElementTree
from django.utils.translation import gettext as _

from langso.core.errors import DomainError

VERSION = "1.0"
FORM_LIST_NS = "http://openrosa.org/xforms/xformsList"
MANIFEST_NS = "http://openrosa.org/xforms/xformsManifest"
RESPONSE_NS = "http://openrosa.org/http/response"
ORX_NS = "http://openrosa.org/xforms"
# What a client may send in one POST; larger submissions are split across POSTs.
ACCEPT_CONTENT_LENGTH = 10 * 1024 * 1024
# The instance XML alone: text answers of a large form with many repeats come to a few
# hundred kilobytes; anything near this is not a survey, and it is parsed in memory.
MAX_INSTANCE_BYTES = 5 * 1024 * 1024
# ODK's offline entities (Form List API, manifest): a media file that is an entity list.
ENTITY_LIST = "entityList"


class SubmissionInvalid(DomainError):
    """A submission the server cannot take; `status` is the HTTP status to answer."""

    def __init__(self, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class FormListEntry:
    form_id: str
    name: str
    version: str
    hash: str
    download_url: str
    manifest_url: str | None


@dataclass(frozen=True)
class MediaEntry:
    filename: str
    hash: str
    download_url: str
    # For an entity list: where clients ask which of their entities are deleted.
    integrity_url: str | None = None


@dataclass(frozen=True)
class SubmittedInstance:
    """What the server reads from a submitted instance before storing it."""

    form_id: str
    version: str
    instance_id: str
    deprecated_id: str
    root: Element


def md5_hash(data: bytes) -> str:
    """A file's hash as the form list and manifest announce it ("md5:<hex>"). It tells
    clients whether to download again; it protects nothing."""
    return "md5:" + hashlib.md5(data, usedforsecurity=False).hexdigest()


def _xml(root: Element) -> bytes:
    body: bytes = tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body


def form_list_xml(entries: list[FormListEntry]) -> bytes:
    root = Element("xforms", xmlns=FORM_LIST_NS)
    for entry in entries:
        xform = SubElement(root, "xform")
        SubElement(xform, "formID").text = entry.form_id
        SubElement(xform, "name").text = entry.name
        SubElement(xform, "version").text = entry.version
        SubElement(xform, "hash").text = entry.hash
        SubElement(xform, "downloadUrl").text = entry.download_url
        if entry.manifest_url:
            SubElement(xform, "manifestUrl").text = entry.manifest_url
    return _xml(root)


def manifest_xml(entries: list[MediaEntry]) -> bytes:
    root = Element("manifest", xmlns=MANIFEST_NS)
    for entry in entries:
        media = SubElement(root, "mediaFile")
        if entry.integrity_url:
            media.set("type", ENTITY_LIST)
        SubElement(media, "filename").text = entry.filename
        SubElement(media, "hash").text = entry.hash
        SubElement(media, "downloadUrl").text = entry.download_url
        if entry.integrity_url:
            SubElement(media, "integrityUrl").text = entry.integrity_url
    return _xml(root)


def integrity_ids(query: str, *, limit: int = 10_000) -> list[str]:
    """The entity ids of an integrity request (`?id=a,b,c`), without blanks or
    repeats, at most `limit` of them."""
    return list(dict.fromkeys(i.strip() for i in query.split(",") if i.strip()))[:limit]


def integrity_xml(states: dict[str, bool]) -> bytes:
    """The integrity document (ODK's Integrity API): for each entity id asked about,
    whether it is deleted on the server."""
    root = Element("data")
    entities = SubElement(root, "entities")
    for entity_id, deleted in states.items():
        entity = SubElement(entities, "entity", id=entity_id)
        SubElement(entity, "deleted").text = "true" if deleted else "false"
    return _xml(root)


def response_xml(message: str, *, success: bool = True) -> bytes:
    """An OpenRosaResponse: ODK Collect shows `message` to the collector."""
    root = Element("OpenRosaResponse", xmlns=RESPONSE_NS)
    nature = "submit_success" if success else "error"
    SubElement(root, "message", nature=nature).text = message
    return _xml(root)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _meta_value(root: Element, name: str) -> str:
    """`meta/<name>` in the orx namespace or none, as clients write it."""
    for meta in root:
        if _local(meta.tag) == "meta":
            for child in meta:
                if _local(child.tag) == name:
                    return (child.text or "").strip()
    return ""


def form_version_of(root: Element) -> str:
    """The form version an instance root carries: `version`, or `orx:version`, which
    JavaRosa reads as the same thing and writes back in the submission."""
    return (root.get("version") or root.get(f"{{{ORX_NS}}}version") or "").strip()


def instance_parse(xml: bytes) -> SubmittedInstance:
    """The form id, version and instance ids of a submitted instance. Malformed XML,
    or an instance without a form id or an instanceID, raises SubmissionInvalid."""
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError as exc:
        raise SubmissionInvalid(
            _("Bài nộp không phải XML hợp lệ: %(error)s") % {"error": exc}
        ) from exc
    except ValueError as exc:  # defusedxml refuses entities and DTDs
        raise SubmissionInvalid(_("Bài nộp chứa DTD hoặc thực thể XML; không nhận.")) from exc
    form_id = (root.get("id") or "").strip()
    if not form_id:
        raise SubmissionInvalid(_("Bài nộp thiếu mã biểu mẫu (thuộc tính id ở phần tử gốc)."))
    instance_id = _meta_value(root, "instanceID")
    if not instance_id:
        raise SubmissionInvalid(_("Bài nộp thiếu meta/instanceID."))
    if len(instance_id) > 100:
        raise SubmissionInvalid(_("meta/instanceID dài quá 100 ký tự."))
    return SubmittedInstance(
        form_id=form_id,
        version=form_version_of(root),
        instance_id=instance_id,
        deprecated_id=_meta_value(root, "deprecatedID"),
        root=root,
    )


def xml_parses(xml: bytes) -> bool:
    """Whether the body is well-formed XML (without DTDs or entities)."""
    try:
        ElementTree.fromstring(xml)
    except (ElementTree.ParseError, ValueError):
        return False
    return True
