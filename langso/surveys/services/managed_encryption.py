"""Managed encryption, as ODK Central offers it: an officer who manages a form turns
encryption on with a passphrase; Làng Số makes the key pair, keeps the private key
sealed under the passphrase (never the passphrase), and publishes a version of the
form carrying the public key, so that ODK Collect and Web Forms encrypt. Given the
passphrase again, an officer decrypts the waiting submissions, which then take the
path of any submission (household mapping, conflicts, review).

The passphrase and the unsealed private key live in the memory of one call and are
never stored, logged, audited or handed to a task."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import PurePosixPath

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from langso.accounts.roles import Permission
from langso.accounts.selectors import is_nationwide, user_has_unit_permission
from langso.core.actors import Actor
from langso.core.db import for_update
from langso.core.errors import AccessDenied, DomainError
from langso.core.models import AuditEntry
from langso.core.services import audit_record

from ..encryption import (
    DecryptionFailed,
    SealedKey,
    key_pair_generate,
    manifest_parse,
    private_key_unseal,
    submission_files_decrypt,
    xform_with_public_key,
)
from ..models import (
    FormEncryptionKey,
    FormVersion,
    Submission,
    SubmissionAttachment,
    SubmissionEncryption,
    SurveyForm,
)
from ..openrosa import SubmissionInvalid, instance_parse, md5_hash
from ..xlsforms import xlsform_convert
from .attachments import ALLOWED_ATTACHMENTS
from .entities import submission_entity_read, visit_record_from_submission
from .forms import _attachments_create, form_manage_check
from .submissions import submission_predecessor

# A batch decrypts this many submissions per request: each is a few file reads and
# milliseconds of AES, so a chunk stays well inside a request's time. The batch runs in
# the request rather than as a task because django-tasks-db stores a task's arguments
# in the database, and the passphrase must never be stored.
DECRYPT_CHUNK = 50


def form_may_decrypt(*, user: Actor, form: SurveyForm) -> bool:
    """Those who manage the form decrypt its submissions (they hold the passphrase)."""
    if not user.is_authenticated:
        return False
    if form.unit is None:
        return is_nationwide(user=user, permission=Permission.MANAGE_FORMS)
    return user_has_unit_permission(user=user, permission=Permission.MANAGE_FORMS, unit=form.unit)


def _decrypt_check(actor: Actor, form: SurveyForm) -> None:
    if not form_may_decrypt(user=actor, form=form):
        raise AccessDenied(_("Bạn không có quyền giải mã bài của biểu mẫu này."))


def _encrypted_version_name(version: str) -> str:
    # ODK Central's convention: the version the key was added in says so, and stays
    # unique (milliseconds of now, base64 as Central writes them).
    stamp = base64.b64encode(int(timezone.now().timestamp() * 1000).to_bytes(6, "big")).decode()
    return f"{version[:40]}[encrypted:{stamp}]"


@transaction.atomic
def form_encryption_enable(
    *, actor: Actor, form: SurveyForm, passphrase: str, hint: str = ""
) -> FormVersion:
    """Turn managed encryption on: a key pair sealed under `passphrase`, and a new
    version of the newest one carrying the public key (checked by ODK Validate like any
    upload), with the same XLSForm, choices and media. Once on, it stays on with this
    key, as in ODK Central: a lost passphrase loses the submissions it encrypted."""
    form = for_update(SurveyForm.objects.select_related("unit")).get(pk=form.pk)
    form_manage_check(actor=actor, unit=form.unit)
    if form.encryption_keys.filter(managed=True).exists():
        raise DomainError(_("Biểu mẫu này đã bật mã hoá."))
    previous = form.versions.order_by("-published_at", "-pk").first()
    if previous is None:
        raise DomainError(_("Biểu mẫu chưa có phiên bản nào để mã hoá."))
    sealed = key_pair_generate(passphrase)
    key = FormEncryptionKey.objects.create(
        form=form,
        public_key=sealed.public_key,
        managed=True,
        sealed_private_key=sealed.sealed_private_key,
        kdf_salt=sealed.salt,
        kdf_iterations=sealed.iterations,
        nonce=sealed.nonce,
        hint=hint.strip()[:200],
        created_by_id=actor.pk,
    )
    name = _encrypted_version_name(previous.version)
    xform = xform_with_public_key(previous.xform, public_key=key.public_key, version=name)
    checked = xlsform_convert(name="form.xml", data=xform.encode())
    if (checked.info.form_id, checked.info.version) != (form.xml_form_id, name):
        raise DomainError(_("Không ghi được khoá vào XForm của biểu mẫu."))
    version = FormVersion(
        form=form,
        version=name,
        title=previous.title,
        xform=xform,
        xform_hash=md5_hash(xform.encode()),
        itemsets=previous.itemsets,
        warnings=list(checked.warnings),
        encryption_key=key,
        published_by_id=actor.pk,
    )
    # The same stored file: encryption changes the XForm, not the uploaded form.
    version.xlsform.name = previous.xlsform.name
    version.save()
    _attachments_create(version, checked.info.media, previous)
    audit_record(
        actor=actor,
        instance=form,
        action=AuditEntry.Action.UPDATE,
        before={"encryption": ""},
        after={"encryption": "managed", "version": version.version},
    )
    return version


def _sealed(key: FormEncryptionKey) -> SealedKey:
    return SealedKey(
        public_key=key.public_key,
        sealed_private_key=bytes(key.sealed_private_key),
        salt=bytes(key.kdf_salt),
        nonce=bytes(key.nonce),
        iterations=key.kdf_iterations,
    )


def _managed_key(form: SurveyForm) -> FormEncryptionKey:
    key = form.encryption_keys.filter(managed=True).first()
    if key is None:
        raise DomainError(
            _(
                "Biểu mẫu dùng khoá công khai riêng (hoặc chưa bật mã hoá): Làng Số không giữ "
                "khoá giải mã. Giải mã bằng ODK Briefcase với khoá riêng của bạn."
            )
        )
    return key


def _read(attachment: SubmissionAttachment) -> bytes:
    with attachment.file.open("rb") as stored:
        data: bytes = stored.read()
    return data


def _decrypt_and_process(
    *,
    actor: Actor,
    submission: Submission,
    encryption: SubmissionEncryption,
    private_key: RSAPrivateKey,
) -> None:
    """Decrypt `submission` and hand its XML to the path every submission takes.
    Raises DecryptionFailed or SubmissionInvalid with the reason; the caller rolls
    back what this wrote."""
    form = submission.version.form
    manifest = manifest_parse(
        instance_parse(encryption.manifest.encode()).root, instance_id=submission.instance_id
    )
    files = {a.name: _read(a) for a in submission.attachments.all() if a.name in manifest.files}
    decrypted = submission_files_decrypt(private_key=private_key, manifest=manifest, files=files)
    plain = instance_parse(decrypted.xml)
    if (plain.form_id, plain.version, plain.instance_id) != (
        form.xml_form_id,
        submission.version.version,
        submission.instance_id,
    ):
        raise DecryptionFailed(
            _(
                "Nội dung đã giải mã không khớp với bản kê của bài (mã biểu mẫu, phiên bản "
                "hoặc instanceID)."
            )
        )
    try:
        submission.xml = decrypted.xml.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DecryptionFailed(_("Nội dung đã giải mã không mã hoá UTF-8.")) from exc
    submission.state = Submission.State.RECEIVED
    collector = submission.collector or AnonymousUser()
    # An edit replaces only what the collector reaches, and only once, as in plain.
    submission.replaces = submission_predecessor(
        collector=collector, form=form, deprecated_id=plain.deprecated_id
    )
    # Exactly as if it had arrived in plain: the collector's reach decides the household.
    submission_entity_read(
        submission=submission,
        collector=collector,
        root=plain.root,
        form_counts=form.counts_before_approval,
    )
    submission.save()
    if submission.household_id:
        visit_record_from_submission(submission=submission, root=plain.root)
    for name, data in decrypted.media.items():
        suffix = PurePosixPath(name).suffix.lower()
        attachment = SubmissionAttachment(
            submission=submission,
            name=name,
            content_type=ALLOWED_ATTACHMENTS.get(suffix, "application/octet-stream"),
            size=len(data),
        )
        attachment.file.save(name, ContentFile(data), save=False)
        attachment.save()
    encryption.problem = ""
    encryption.decrypted_by_id = actor.pk
    encryption.decrypted_at = timezone.now()
    encryption.save(update_fields=["problem", "decrypted_by", "decrypted_at"])


def _decrypt_one(*, actor: Actor, pk: int, private_key: RSAPrivateKey) -> bool:
    """Decrypt one waiting submission inside the caller's transaction; return whether
    it was. A file that does not decrypt marks the submission with the reason."""
    submission = (
        for_update(Submission.objects.all())
        .select_related("version__form__unit", "collector")
        .get(pk=pk)
    )
    if submission.state != Submission.State.ENCRYPTED:
        raise DomainError(_("Bài này đã được giải mã."))
    encryption = SubmissionEncryption.objects.get(submission=submission)
    try:
        with transaction.atomic():
            _decrypt_and_process(
                actor=actor, submission=submission, encryption=encryption, private_key=private_key
            )
    except (DecryptionFailed, SubmissionInvalid) as exc:
        encryption.problem = exc.message
        encryption.save(update_fields=["problem"])
        return False
    audit_record(
        actor=actor,
        instance=submission,
        action=AuditEntry.Action.UPDATE,
        before={"state": Submission.State.ENCRYPTED},
        after={"state": submission.state, "entity_state": submission.entity_state},
    )
    return True


def _private_key(form: SurveyForm, passphrase: str) -> RSAPrivateKey:
    return private_key_unseal(_sealed(_managed_key(form)), passphrase)


@transaction.atomic
def submission_decrypt(*, actor: Actor, submission: Submission, passphrase: str) -> Submission:
    """Decrypt one submission with the form's passphrase. A wrong passphrase raises
    PassphraseWrong and writes nothing; a corrupt or tampered file leaves the
    submission encrypted, marked with the reason (`encryption.problem`)."""
    form = SurveyForm.objects.select_related("unit").get(pk=submission.version.form_id)
    _decrypt_check(actor, form)
    if not SubmissionEncryption.objects.filter(submission=submission).exists():
        raise DomainError(_("Bài này không mã hoá."))
    _decrypt_one(actor=actor, pk=submission.pk, private_key=_private_key(form, passphrase))
    return Submission.objects.select_related("encryption").get(pk=submission.pk)


@dataclass(frozen=True)
class DecryptBatch:
    decrypted: int
    failed: int
    # Waiting submissions left after this chunk (those that failed are not counted).
    remaining: int


def form_submissions_decrypt(
    *, actor: Actor, form: SurveyForm, passphrase: str, limit: int = DECRYPT_CHUNK
) -> DecryptBatch:
    """Decrypt up to `limit` waiting submissions of `form`, oldest first, each in its
    own transaction (one that fails does not hold back the others). Complete ones
    without a recorded problem are taken; the passphrase is checked once."""
    form = SurveyForm.objects.select_related("unit").get(pk=form.pk)
    _decrypt_check(actor, form)
    private_key = _private_key(form, passphrase)
    waiting = Submission.objects.filter(
        version__form=form,
        state=Submission.State.ENCRYPTED,
        is_complete=True,
        encryption__key__managed=True,
        encryption__problem="",
    )
    decrypted = failed = 0
    for pk in waiting.order_by("received_at", "pk").values_list("pk", flat=True)[:limit]:
        with transaction.atomic():
            try:
                done = _decrypt_one(actor=actor, pk=pk, private_key=private_key)
            except DomainError:
                continue  # decrypted meanwhile by someone else
        decrypted += done
        failed += not done
    return DecryptBatch(decrypted=decrypted, failed=failed, remaining=waiting.count())
