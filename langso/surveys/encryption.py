"""ODK's submission encryption (getodk.github.io/xforms-spec/encryption), the server's
side: the RSA key pair of a form, its private key sealed under an officer's passphrase
as ODK Central's managed encryption keeps it, the public key written into an XForm,
the submission manifest, and the decryption of a submission's files. No database and
no HTTP here: `services.encryption` stores and acts.

What a client does, per submission: a random AES-256 key, encrypted with the form's RSA
public key (OAEP, SHA-256 with MGF1 SHA-256: Java's "RSA/NONE/OAEPWithSHA256AndMGF1Padding"
as ODK Collect runs it on BouncyCastle); each media file, then the XML, encrypted with
AES-256-CFB and PKCS#7 padding, under an IV derived from md5(instanceID + key) with one
byte incremented per file; and an md5 signature over the whole, encrypted like the key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from xml.etree.ElementTree import Element  # types only; parsing is defusedxml

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.decrepit.ciphers.modes import CFB
from cryptography.hazmat.primitives import hashes, padding, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import MGF1, OAEP
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from defusedxml import ElementTree
from django.conf import settings
from django.utils.translation import gettext as _

from langso.core.errors import DomainError

from .openrosa import SubmissionInvalid
from .xlsforms import XFORMS, XHTML

SUBMISSIONS_NS = "http://opendatakit.org/submissions"
MIN_PASSPHRASE_LENGTH = 10
RSA_KEY_BITS = 2048
ENCRYPTED_SUFFIX = ".enc"
# The name a client gives the XML it encrypts; the signature names the file by it.
_OAEP = OAEP(mgf=MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
_SUBMISSION_TAG = re.compile(r"<((?:[\w.-]+:)?submission)\b([^>]*?)(/?)>")
_MODEL_END = re.compile(r"</((?:[\w.-]+:)?model)\s*>")
_KEY_ATTRIBUTE = re.compile(r"\sbase64RsaPublicKey\s*=\s*(\"[^\"]*\"|'[^']*')")
_INSTANCE_TAG = re.compile(r"<((?:[\w.-]+:)?instance)(\s[^>]*)?>")
_INSTANCE_END = re.compile(r"</(?:[\w.-]+:)?instance\s*>")
_START_TAG = re.compile(r"<([\w.:-]+)(\s[^>]*?)?(/?)>")
_VERSION_ATTRIBUTE = re.compile(r"\sversion\s*=\s*(\"[^\"]*\"|'[^']*')")


class PassphraseWrong(DomainError):
    """The passphrase does not open the form's private key."""


class DecryptionFailed(DomainError):
    """A submission's files do not decrypt, or do not match their signature: `message`
    says which file and why, in Vietnamese."""


@dataclass(frozen=True)
class SealedKey:
    """A managed key pair: the public key as ODK writes it (base64 of the DER
    SubjectPublicKeyInfo), and the private key (PKCS#8 DER) sealed with AES-256-GCM
    under a key derived from the passphrase by PBKDF2-HMAC-SHA256. The public key is
    the associated data: a sealed private key moved onto another form's row fails."""

    public_key: str
    sealed_private_key: bytes
    salt: bytes
    nonce: bytes
    iterations: int


def _passphrase_key(passphrase: str, salt: bytes, iterations: int) -> bytes:
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=iterations)
    return kdf.derive(passphrase.encode("utf-8"))


def passphrase_check(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise DomainError(
            _("Cụm mật khẩu cần ít nhất %(min)s ký tự.") % {"min": MIN_PASSPHRASE_LENGTH}
        )


def key_pair_generate(passphrase: str) -> SealedKey:
    """A new RSA-2048 key pair, its private key sealed under `passphrase`."""
    passphrase_check(passphrase)
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_KEY_BITS)
    public_key = base64.b64encode(
        private_key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    ).decode()
    salt, nonce = os.urandom(16), os.urandom(12)
    plain = private_key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # Stored with the key, so that a later figure applies to new keys without locking
    # out the old ones.
    iterations: int = settings.SURVEY_KEY_KDF_ITERATIONS
    sealed = AESGCM(_passphrase_key(passphrase, salt, iterations)).encrypt(
        nonce, plain, public_key.encode()
    )
    return SealedKey(public_key, sealed, salt, nonce, iterations)


def private_key_unseal(key: SealedKey, passphrase: str) -> rsa.RSAPrivateKey:
    """The private key, in memory only; PassphraseWrong when the passphrase is not the
    one it was sealed with (AES-GCM's tag tells)."""
    try:
        plain = AESGCM(_passphrase_key(passphrase, key.salt, key.iterations)).decrypt(
            key.nonce, key.sealed_private_key, key.public_key.encode()
        )
    except InvalidTag as exc:
        raise PassphraseWrong(
            _("Cụm mật khẩu không đúng: không mở được khoá giải mã của biểu mẫu.")
        ) from exc
    private_key = serialization.load_der_private_key(plain, password=None)
    if not isinstance(private_key, rsa.RSAPrivateKey):
        raise TypeError("a managed key is RSA")
    return private_key


def public_key_check(public_key: str) -> str:
    """A self-supplied base64RsaPublicKey, checked to be an RSA public key ODK clients
    can encrypt with; DomainError otherwise."""
    compact = "".join(public_key.split())
    try:
        loaded = serialization.load_der_public_key(base64.b64decode(compact, validate=True))
    except (binascii.Error, ValueError) as exc:
        raise DomainError(
            _("base64RsaPublicKey của biểu mẫu không phải khoá công khai RSA (base64, DER).")
        ) from exc
    if not isinstance(loaded, rsa.RSAPublicKey) or loaded.key_size < RSA_KEY_BITS:
        raise DomainError(_("base64RsaPublicKey của biểu mẫu phải là khoá RSA từ 2048 bit."))
    return compact


# ---------------------------------------------------------------------------------------
# The public key in an XForm


def xform_public_key(xform: str) -> str:
    """The base64RsaPublicKey of the XForm's submission element, or ""."""
    root = ElementTree.fromstring(xform)
    model = root.find(f"{{{XHTML}}}head/{{{XFORMS}}}model")
    submission = model.find(f"{{{XFORMS}}}submission") if model is not None else None
    if submission is None:
        return ""
    return "".join((submission.get("base64RsaPublicKey") or "").split())


def _with_attribute(attributes: str, pattern: re.Pattern[str], name: str, value: str) -> str:
    written = f' {name}="{value}"'
    if pattern.search(attributes):
        return pattern.sub(lambda _match: written, attributes, count=1)
    return attributes.rstrip() + written


def xform_with_public_key(xform: str, *, public_key: str, version: str | None = None) -> str:
    """The XForm with `public_key` as its submission's base64RsaPublicKey (the element
    added when the form has none), and, when given, `version` on its main instance.
    Edited as text, not written again from a tree: an XForm's namespace prefixes and
    layout stay exactly as pyxform or its author wrote them."""
    ends = list(_MODEL_END.finditer(xform))
    if not ends:
        raise ValueError("an XForm has a model")
    end = ends[-1]
    # A question may be named "submission" too: the model's own element is the one
    # outside every instance.
    instances = []
    for start in _INSTANCE_TAG.finditer(xform, 0, end.start()):
        close = None if start.group(0).endswith("/>") else _INSTANCE_END.search(xform, start.end())
        instances.append((start.start(), close.end() if close else start.end()))
    match = next(
        (
            found
            for found in _SUBMISSION_TAG.finditer(xform, 0, end.start())
            if not any(a <= found.start() < b for a, b in instances)
        ),
        None,
    )
    if match is not None:
        attributes = _with_attribute(
            match.group(2), _KEY_ATTRIBUTE, "base64RsaPublicKey", public_key
        )
        edited = f"{xform[: match.start()]}<{match.group(1)}{attributes}{match.group(3)}>"
        xform = edited + xform[match.end() :]
    else:
        prefix = end.group(1).removesuffix("model")
        element = f'<{prefix}submission method="post" base64RsaPublicKey="{public_key}"/>'
        xform = f"{xform[: end.start()]}{element}\n    {xform[end.start() :]}"
    if version is not None:
        xform = _with_main_instance_version(xform, version)
    return xform


def _with_main_instance_version(xform: str, version: str) -> str:
    for instance in _INSTANCE_TAG.finditer(xform):
        if re.search(r"\sid\s*=", instance.group(2) or ""):
            continue  # a secondary instance (choices)
        root = _START_TAG.search(xform, instance.end())
        if root is None:
            break
        attributes = _with_attribute(root.group(2) or "", _VERSION_ATTRIBUTE, "version", version)
        return (
            f"{xform[: root.start()]}<{root.group(1)}{attributes}{root.group(3)}>"
            + xform[root.end() :]
        )
    raise ValueError("an XForm has a main instance")


# ---------------------------------------------------------------------------------------
# Submissions


@dataclass(frozen=True)
class Manifest:
    """What an encrypted submission's XML part says of its files."""

    form_id: str
    version: str
    instance_id: str
    encrypted_key: str
    xml_file: str
    # In the order they were encrypted (the IVs follow it).
    media_files: tuple[str, ...]
    signature: str

    @property
    def files(self) -> tuple[str, ...]:
        """Every file, in the order of encryption: the media, then the XML."""
        return (*self.media_files, self.xml_file)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def is_encrypted(root: Element) -> bool:
    return (root.get("encrypted") or "").strip().lower() == "yes"


def _file_name(name: str) -> str:
    if (
        not name
        or PurePosixPath(name).name != name
        or not name.lower().endswith(ENCRYPTED_SUFFIX)
        or len(name) > 255
    ):
        raise SubmissionInvalid(
            _("Tệp “%(name)s” trong bản kê bài mã hoá không phải tên tệp .enc hợp lệ.")
            % {"name": name[:100]}
        )
    return name


def manifest_parse(root: Element, *, instance_id: str) -> Manifest:
    """The submission manifest of an encrypted submission (`root` is its parsed XML
    part, `instance_id` its meta/instanceID as `openrosa.instance_parse` read it).
    SubmissionInvalid (400) when an element the spec requires is missing."""
    values: dict[str, str] = {}
    media: list[str] = []
    for child in root:
        name = _local(child.tag)
        if name == "media":
            media.extend(
                _file_name((f.text or "").strip()) for f in child if _local(f.tag) == "file"
            )
        elif name in ("base64EncryptedKey", "encryptedXmlFile", "base64EncryptedElementSignature"):
            values[name] = "".join((child.text or "").split())
    for required in ("base64EncryptedKey", "encryptedXmlFile"):
        if not values.get(required):
            raise SubmissionInvalid(
                _("Bài mã hoá thiếu phần tử %(name)s trong bản kê.") % {"name": required}
            )
    xml_file = _file_name(values["encryptedXmlFile"])
    if xml_file in media or len(set(media)) != len(media):
        raise SubmissionInvalid(_("Bản kê bài mã hoá nêu một tệp hai lần."))
    return Manifest(
        form_id=(root.get("id") or "").strip(),
        version=(root.get("version") or "").strip(),
        instance_id=instance_id,
        encrypted_key=values["base64EncryptedKey"],
        xml_file=xml_file,
        media_files=tuple(media),
        signature=values.get("base64EncryptedElementSignature", ""),
    )


def file_ivs(instance_id: str, symmetric_key: bytes, count: int) -> list[bytes]:
    """The IV of each file in order of encryption: md5(instanceID + key) as a seed, one
    byte of it incremented (cyclically over its 16) before each file."""
    seed = bytearray(
        hashlib.md5(instance_id.encode() + symmetric_key, usedforsecurity=False).digest()
    )
    ivs = []
    for counter in range(count):
        seed[counter % 16] = (seed[counter % 16] + 1) % 256
        ivs.append(bytes(seed))
    return ivs


def _aes_cfb(key: bytes, iv: bytes) -> Cipher[CFB]:
    return Cipher(algorithms.AES(key), CFB(iv))


def file_encrypt(key: bytes, iv: bytes, plain: bytes) -> bytes:
    """AES-256-CFB with PKCS#7 padding, as the spec asks (a client's side; tests)."""
    padder = padding.PKCS7(128).padder()
    encryptor = _aes_cfb(key, iv).encryptor()
    return encryptor.update(padder.update(plain) + padder.finalize()) + encryptor.finalize()


def _file_decrypt(key: bytes, iv: bytes, data: bytes, name: str) -> bytes:
    decryptor = _aes_cfb(key, iv).decryptor()
    padded = decryptor.update(data) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        return unpadder.update(padded) + unpadder.finalize()
    except ValueError as exc:
        raise DecryptionFailed(
            _("Tệp “%(name)s” không giải mã được (hỏng hoặc bị sửa).") % {"name": name}
        ) from exc


def rsa_encrypt(public_key: str, data: bytes) -> str:
    """`data` encrypted as the spec encrypts the symmetric key and the signature."""
    loaded = serialization.load_der_public_key(base64.b64decode(public_key))
    if not isinstance(loaded, rsa.RSAPublicKey):
        raise TypeError("ODK keys are RSA")
    return base64.b64encode(loaded.encrypt(data, _OAEP)).decode()


def _rsa_decrypt(private_key: rsa.RSAPrivateKey, value: str, what: str) -> bytes:
    try:
        return private_key.decrypt(base64.b64decode(value, validate=True), _OAEP)
    except (binascii.Error, ValueError) as exc:
        raise DecryptionFailed(
            _("%(what)s không giải mã được bằng khoá của biểu mẫu.") % {"what": what}
        ) from exc


def signature_source(manifest: Manifest, plain_files: list[tuple[str, bytes]]) -> bytes:
    """What the element signature is the md5 of: form id, version (when the form has
    one), the encrypted key, the instance id, then `name::md5` of each original file
    in order of encryption, each line ended by a newline."""
    lines = [manifest.form_id]
    if manifest.version:
        lines.append(manifest.version)
    lines += [manifest.encrypted_key, manifest.instance_id]
    lines += [
        f"{name}::{hashlib.md5(data, usedforsecurity=False).hexdigest()}"
        for name, data in plain_files
    ]
    return hashlib.md5(
        "".join(f"{line}\n" for line in lines).encode(), usedforsecurity=False
    ).digest()


@dataclass(frozen=True)
class DecryptedSubmission:
    xml: bytes
    # Original name (without .enc) → content, in the manifest's order.
    media: dict[str, bytes]


def submission_files_decrypt(
    *, private_key: rsa.RSAPrivateKey, manifest: Manifest, files: dict[str, bytes]
) -> DecryptedSubmission:
    """Decrypt every file the manifest names (`files`: stored name → encrypted bytes)
    and check the element signature when the client sent one. DecryptionFailed names
    what is missing, corrupt or tampered with."""
    missing = [name for name in manifest.files if name not in files]
    if missing:
        raise DecryptionFailed(
            _("Chưa nhận đủ tệp của bài: thiếu %(names)s.") % {"names": ", ".join(missing)}
        )
    key = _rsa_decrypt(private_key, manifest.encrypted_key, _("Khoá của bài (base64EncryptedKey)"))
    if len(key) != 32:
        raise DecryptionFailed(_("Khoá của bài (base64EncryptedKey) không phải khoá AES-256."))
    ivs = file_ivs(manifest.instance_id, key, len(manifest.files))
    plain = [
        (name.removesuffix(ENCRYPTED_SUFFIX), _file_decrypt(key, iv, files[name], name))
        for name, iv in zip(manifest.files, ivs, strict=True)
    ]
    if manifest.signature:
        signed = _rsa_decrypt(private_key, manifest.signature, _("Chữ ký của bài"))
        if not hmac.compare_digest(signed, signature_source(manifest, plain)):
            raise DecryptionFailed(
                _(
                    "Chữ ký của bài không khớp với các tệp: bài hoặc tệp đính kèm đã bị sửa "
                    "sau khi mã hoá."
                )
            )
    *media, (_xml_name, xml) = plain
    return DecryptedSubmission(xml=xml, media=dict(media))
