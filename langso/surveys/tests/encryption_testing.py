"""The client side of ODK's submission encryption, written from the spec
(getodk.github.io/xforms-spec/encryption) as ODK Collect does it, for the tests to send
what a phone sends: a random AES-256 key per submission, every media file then the
XML encrypted in that order with its IV, the key and the md5 signature encrypted with
the form's public key, and the manifest that goes as the XML part."""

from __future__ import annotations

import os

from langso.surveys.encryption import (
    Manifest,
    file_encrypt,
    file_ivs,
    rsa_encrypt,
    signature_source,
)

XML_FILE = "submission.xml.enc"


def encrypt_like_collect(
    *,
    public_key: str,
    form_id: str,
    version: str,
    instance_id: str,
    xml: bytes,
    media: tuple[tuple[str, bytes], ...] = (),
    signed: bool = True,
) -> tuple[bytes, list[tuple[str, bytes]]]:
    """The manifest and the encrypted files (name, bytes) of one submission."""
    key = os.urandom(32)
    encrypted_key = rsa_encrypt(public_key, key)
    plain = [*media, ("submission.xml", xml)]
    ivs = file_ivs(instance_id, key, len(plain))
    files = [
        (f"{name}.enc", file_encrypt(key, iv, data))
        for (name, data), iv in zip(plain, ivs, strict=True)
    ]
    manifest = Manifest(
        form_id=form_id,
        version=version,
        instance_id=instance_id,
        encrypted_key=encrypted_key,
        xml_file=XML_FILE,
        media_files=tuple(name for name, _data in files[:-1]),
        signature="",
    )
    signature = rsa_encrypt(public_key, signature_source(manifest, plain)) if signed else ""
    media_xml = "".join(f"<media><file>{name}</file></media>" for name, _data in files[:-1])
    signature_xml = (
        f"<base64EncryptedElementSignature>{signature}</base64EncryptedElementSignature>"
        if signature
        else ""
    )
    body = (
        f'<data xmlns="http://opendatakit.org/submissions" id="{form_id}" encrypted="yes" '
        f'version="{version}"><base64EncryptedKey>{encrypted_key}</base64EncryptedKey>'
        f"<encryptedXmlFile>{XML_FILE}</encryptedXmlFile>{media_xml}{signature_xml}"
        f'<meta xmlns="http://openrosa.org/xforms"><instanceID>{instance_id}</instanceID>'
        f"</meta></data>"
    )
    return body.encode(), files
