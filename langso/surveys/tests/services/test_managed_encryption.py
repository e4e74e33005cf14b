"""Encrypted forms as ODK Central's managed encryption runs them: turning encryption on
publishes a version carrying the public key; encrypted submissions are stored as sent
(201, 202 when resent, 409 for another body) and wait; an officer who manages the form
decrypts them with the passphrase, and they reach the household as if sent in plain; a
wrong passphrase or a tampered file changes nothing but says why; a form with its own
key is stored undecrypted."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from langso.core.errors import AccessDenied, DomainError
from langso.places.testing import UnitTree
from langso.registry.models import Household
from langso.registry.testing import make_household
from langso.surveys.encryption import PassphraseWrong, key_pair_generate, xform_public_key
from langso.surveys.entity_declarations import entity_version
from langso.surveys.forms import ReviewForm
from langso.surveys.models import (
    EntityState,
    FormEncryptionKey,
    FormVersion,
    RefusedSubmission,
    Submission,
    SubmissionEncryption,
    Visit,
)
from langso.surveys.services.forms import form_publish, shipped_forms_publish
from langso.surveys.services.managed_encryption import (
    form_encryption_enable,
    form_submissions_decrypt,
    submission_decrypt,
)
from langso.surveys.services.review import ReviewInvalid, submission_review
from langso.surveys.services.teams import digital_team_create
from langso.surveys.testing import FormUsers
from langso.surveys.xlsforms import XLSFormRejected, xform_info

from ..encryption_testing import encrypt_like_collect
from ..forms_testing import (
    HOUSEHOLD_FORM_VERSION,
    collector_client,
    household_instance,
    markdown_form,
    submission_post,
)
from ..race_testing import next_lookup_misses

pytestmark = pytest.mark.django_db

PASSPHRASE = "lúa chín vàng đồng 2026"
VALUES: dict[str, object] = {"members": 5, "adults": 4, "adults_smartphone": 3}


@dataclass
class Encrypted:
    version: FormVersion
    household: Household
    client: Client


@pytest.fixture
def encrypted(tree: UnitTree, users: FormUsers) -> Encrypted:
    shipped_forms_publish(actor=users.central_admin)
    village = tree.villages_of(tree.communes[0])[0]
    digital_team_create(
        actor=users.officer_a, village=village, name="Tổ thôn 1", members=[users.team_member_a]
    )
    household = make_household(village=village, head_name="Nguyễn Văn An", members=3, adults=2)
    form = FormVersion.objects.get().form
    version = form_encryption_enable(
        actor=users.central_admin, form=form, passphrase=PASSPHRASE, hint="câu ca dao"
    )
    return Encrypted(version, household, collector_client(users.team_member_a))


def _sent(
    encrypted: Encrypted,
    uuid: str,
    *,
    media: tuple[tuple[str, bytes], ...] = (),
    deprecated: str = "",
) -> tuple[bytes, list[tuple[str, bytes]]]:
    """An update of the household as it is now, encrypted as ODK Collect does."""
    household = Household.objects.get(pk=encrypted.household.pk)
    xml = household_instance(
        uuid=uuid,
        household=household.address_code,
        base_version=entity_version(household.updated_at),
        values=VALUES,
        deprecated=deprecated,
    ).replace(
        f'version="{HOUSEHOLD_FORM_VERSION}"'.encode(),
        f'version="{encrypted.version.version}"'.encode(),
    )
    key = encrypted.version.encryption_key
    assert key is not None
    return encrypt_like_collect(
        public_key=key.public_key,
        form_id=encrypted.version.form.xml_form_id,
        version=encrypted.version.version,
        instance_id=f"uuid:{uuid}",
        xml=xml,
        media=media,
    )


def test_turning_encryption_on_publishes_a_version_with_the_public_key(
    encrypted: Encrypted,
) -> None:
    """The new version's XForm carries the public key in its submission element and a
    version of its own; the private key is stored sealed, never the passphrase."""
    version = encrypted.version
    key = FormEncryptionKey.objects.get(managed=True)
    assert version.encryption_key == key
    assert xform_public_key(version.xform) == key.public_key
    assert xform_info(version.xform).version == version.version != HOUSEHOLD_FORM_VERSION
    assert key.hint == "câu ca dao"
    stored = bytes(key.sealed_private_key) + bytes(key.kdf_salt) + key.public_key.encode()
    assert PASSPHRASE.encode() not in stored
    assert b"PRIVATE KEY" not in stored
    form_xml = encrypted.client.get(f"/openrosa/forms/{version.form.xml_form_id}/form.xml")
    assert b"base64RsaPublicKey" in form_xml.content


def test_an_encrypted_submission_is_stored_and_waits(encrypted: Encrypted) -> None:
    """ODK Collect's encrypted submission (manifest and .enc files) answers 201 and waits
    encrypted without touching the household; sent again, 202; another manifest under
    the same instanceID, 409."""
    manifest, files = _sent(encrypted, "e1", media=(("nha.jpg", b"\xff\xd8 photo"),))
    response = submission_post(encrypted.client, manifest, *files)
    assert response.status_code == 201, response.content
    submission = Submission.objects.get()
    assert submission.state == Submission.State.ENCRYPTED
    assert submission.household_id is None
    assert sorted(a.name for a in submission.attachments.all()) == [
        "nha.jpg.enc",
        "submission.xml.enc",
    ]
    assert Household.objects.get(pk=encrypted.household.pk).members == 3
    assert submission_post(encrypted.client, manifest, *files).status_code == 202
    other, other_files = _sent(encrypted, "e1")
    assert submission_post(encrypted.client, other, *other_files).status_code == 409
    assert Submission.objects.count() == 1


@pytest.mark.parametrize(
    ("another_manifest", "status", "stored"),
    [
        (False, 201, ["nha.jpg.enc", "submission.xml.enc"]),
        (True, 409, ["submission.xml.enc"]),
    ],
    ids=["the-rest-of-its-files", "another-manifest"],
)
def test_the_second_of_two_first_encrypted_posts_is_answered_as_a_resend(
    encrypted: Encrypted,
    monkeypatch: pytest.MonkeyPatch,
    another_manifest: bool,
    status: int,
    stored: list[str],
) -> None:
    """Two first POSTs of one encrypted instance at once, the second's lookup missing
    the first's submission: the second is answered as a resend of it (its files added,
    201; 409 for another manifest), with one submission and one manifest kept."""
    manifest, files = _sent(encrypted, "e1", media=(("nha.jpg", b"\xff\xd8 photo"),))
    first = submission_post(encrypted.client, manifest, files[-1], **{"*isIncomplete*": "yes"})
    assert first.status_code == 201, first.content
    if another_manifest:
        manifest, files = _sent(encrypted, "e1", media=(("nha.jpg", b"\xff\xd8 photo"),))
    next_lookup_misses(monkeypatch)
    second = submission_post(encrypted.client, manifest, *files)
    assert second.status_code == status, second.content
    submission = Submission.objects.get()
    assert sorted(a.name for a in submission.attachments.all()) == stored
    assert submission.is_complete is not another_manifest
    assert SubmissionEncryption.objects.get().submission == submission


def test_an_encrypted_file_not_in_the_manifest_is_refused(encrypted: Encrypted) -> None:
    """Only the files the manifest names are taken."""
    manifest, files = _sent(encrypted, "e2")
    response = submission_post(encrypted.client, manifest, *files, ("khac.jpg.enc", b"x"))
    assert response.status_code == 415
    assert not Submission.objects.exists()


def test_decrypting_with_the_passphrase_updates_the_household(
    encrypted: Encrypted, users: FormUsers
) -> None:
    """Decrypted, the submission takes the path of a plain one: its values reach the
    household, its visit is logged, its photo is stored in plain beside the .enc."""
    manifest, files = _sent(encrypted, "e3", media=(("nha.jpg", b"\xff\xd8 photo"),))
    assert submission_post(encrypted.client, manifest, *files).status_code == 201
    submission = submission_decrypt(
        actor=users.central_admin, submission=Submission.objects.get(), passphrase=PASSPHRASE
    )
    assert submission.state == Submission.State.RECEIVED
    assert submission.entity_state == EntityState.APPLIED
    assert b"<members>5</members>" in submission.xml.encode()
    household = Household.objects.get(pk=encrypted.household.pk)
    assert (household.members, household.adults, household.adults_smartphone) == (5, 4, 3)
    assert Visit.objects.get().household_id == household.pk
    photo = submission.attachments.get(name="nha.jpg")
    assert (photo.content_type, photo.file.read()) == ("image/jpeg", b"\xff\xd8 photo")
    assert submission.encryption.decrypted_by == users.central_admin
    with pytest.raises(DomainError):
        submission_decrypt(actor=users.central_admin, submission=submission, passphrase=PASSPHRASE)


def test_a_wrong_passphrase_is_refused_and_writes_nothing(
    encrypted: Encrypted, users: FormUsers
) -> None:
    """The message says the passphrase is wrong; the submission stays as it was."""
    manifest, files = _sent(encrypted, "e4")
    submission_post(encrypted.client, manifest, *files)
    with pytest.raises(PassphraseWrong, match="Cụm mật khẩu không đúng"):
        submission_decrypt(
            actor=users.central_admin,
            submission=Submission.objects.get(),
            passphrase="không phải cụm này",
        )
    submission = Submission.objects.get()
    assert submission.state == Submission.State.ENCRYPTED
    assert SubmissionEncryption.objects.get().problem == ""
    assert Household.objects.get(pk=encrypted.household.pk).members == 3


def test_a_tampered_file_is_refused_with_the_reason(encrypted: Encrypted, users: FormUsers) -> None:
    """A photo changed after encryption fails the element signature: the submission
    stays encrypted and says why, the household is untouched, no plain file is kept."""
    manifest, files = _sent(encrypted, "e5", media=(("nha.jpg", b"\xff\xd8 photo" * 10),))
    name, data = files[0]
    tampered = data[:5] + bytes([data[5] ^ 1]) + data[6:]
    submission_post(encrypted.client, manifest, (name, tampered), files[1])
    submission = submission_decrypt(
        actor=users.central_admin, submission=Submission.objects.get(), passphrase=PASSPHRASE
    )
    assert submission.state == Submission.State.ENCRYPTED
    assert "Chữ ký của bài không khớp" in submission.encryption.problem
    assert Household.objects.get(pk=encrypted.household.pk).members == 3
    assert not Visit.objects.exists()
    assert sorted(a.name for a in submission.attachments.all()) == [
        "nha.jpg.enc",
        "submission.xml.enc",
    ]


def test_only_officers_who_manage_the_form_decrypt(encrypted: Encrypted, users: FormUsers) -> None:
    """The shipped form is nationwide: a commune officer, even of the household's
    commune, cannot decrypt its submissions, one by one or all at once."""
    manifest, files = _sent(encrypted, "e6")
    submission_post(encrypted.client, manifest, *files)
    submission = Submission.objects.get()
    with pytest.raises(AccessDenied):
        submission_decrypt(actor=users.officer_a, submission=submission, passphrase=PASSPHRASE)
    with pytest.raises(AccessDenied):
        form_submissions_decrypt(
            actor=users.officer_a, form=encrypted.version.form, passphrase=PASSPHRASE
        )
    assert Submission.objects.get().state == Submission.State.ENCRYPTED


def test_the_batch_decrypts_every_waiting_submission(
    encrypted: Encrypted, users: FormUsers
) -> None:
    """All waiting submissions of the form, with one check of the passphrase."""
    for uuid in ("b1", "b2"):
        manifest, files = _sent(encrypted, uuid)
        assert submission_post(encrypted.client, manifest, *files).status_code == 201
    batch = form_submissions_decrypt(
        actor=users.central_admin, form=encrypted.version.form, passphrase=PASSPHRASE
    )
    assert (batch.decrypted, batch.failed, batch.remaining) == (2, 0, 0)
    assert set(Submission.objects.values_list("state", flat=True)) != {Submission.State.ENCRYPTED}
    with pytest.raises(PassphraseWrong):
        form_submissions_decrypt(
            actor=users.central_admin, form=encrypted.version.form, passphrase="sai cụm mật khẩu"
        )


def test_a_form_with_its_own_key_is_stored_undecrypted(tree: UnitTree, users: FormUsers) -> None:
    """An XLSForm with public_key in its settings keeps its key: submissions are stored
    encrypted, and the platform says it cannot decrypt them."""
    # A key pair made elsewhere: only its public half comes with the form.
    public_key = key_pair_generate("cụm của người khác").public_key
    source = markdown_form(form_id="rieng", version="1").decode()
    source = source.replace("| default_language   |", "| default_language   | public_key |")
    source = source.replace("| Tiếng Việt (vi)    |", f"| Tiếng Việt (vi)    | {public_key} |")
    version = form_publish(
        actor=users.officer_a, name="rieng.md", data=source.encode(), unit=tree.communes[0]
    )
    key = version.encryption_key
    assert key is not None
    assert not key.managed
    assert key.public_key == public_key
    manifest, files = encrypt_like_collect(
        public_key=public_key,
        form_id="rieng",
        version="1",
        instance_id="uuid:s1",
        xml=b'<data id="rieng" version="1"><ten>An</ten><meta><instanceID>uuid:s1'
        b"</instanceID></meta></data>",
    )
    client = collector_client(users.team_member_a)
    assert submission_post(client, manifest, *files).status_code == 201
    submission = Submission.objects.get()
    assert submission.state == Submission.State.ENCRYPTED
    with pytest.raises(DomainError, match="khoá công khai riêng"):
        submission_decrypt(actor=users.officer_a, submission=submission, passphrase=PASSPHRASE)


def test_an_encrypted_submission_is_not_reviewed_before_it_is_decrypted(
    encrypted: Encrypted, users: FormUsers
) -> None:
    """Approving what nobody could read would count it: the reviewer is told to decrypt
    it first, and a comment alone is still taken."""
    manifest, files = _sent(encrypted, "r1")
    submission_post(encrypted.client, manifest, *files)
    submission = Submission.objects.get()
    with pytest.raises(ReviewInvalid, match="giải mã"):
        submission_review(
            actor=users.central_admin, submission=submission, state=Submission.State.APPROVED
        )
    assert Submission.objects.get().state == Submission.State.ENCRYPTED
    submission_review(
        actor=users.central_admin,
        submission=submission,
        state=Submission.State.ENCRYPTED,
        comment="chờ",
    )
    assert submission.comments.get().text == "chờ"


def test_files_that_arrive_later_let_a_submission_be_decrypted(
    encrypted: Encrypted, users: FormUsers
) -> None:
    """Decrypting before the last POST says what is missing; once it arrives, the
    reason is cleared and the batch takes the submission."""
    manifest, files = _sent(encrypted, "l1", media=(("nha.jpg", b"\xff\xd8 photo"),))
    submission_post(encrypted.client, manifest, files[1], **{"*isIncomplete*": "yes"})
    submission_post(encrypted.client, manifest, files[1])
    submission = submission_decrypt(
        actor=users.central_admin, submission=Submission.objects.get(), passphrase=PASSPHRASE
    )
    assert "thiếu nha.jpg.enc" in submission.encryption.problem
    assert submission_post(encrypted.client, manifest, *files).status_code == 201
    assert SubmissionEncryption.objects.get().problem == ""
    batch = form_submissions_decrypt(
        actor=users.central_admin, form=encrypted.version.form, passphrase=PASSPHRASE
    )
    assert batch.decrypted == 1


def test_a_reviewer_cannot_mark_a_submission_encrypted(
    encrypted: Encrypted, users: FormUsers
) -> None:
    """ "Chưa giải mã" is where an encrypted submission arrives, never a review outcome:
    a plain submission moved there could neither be decrypted nor reviewed again."""
    manifest, files = _sent(encrypted, "m1")
    submission_post(encrypted.client, manifest, *files)
    submission = submission_decrypt(
        actor=users.central_admin, submission=Submission.objects.get(), passphrase=PASSPHRASE
    )
    with pytest.raises(ReviewInvalid):
        submission_review(
            actor=users.central_admin, submission=submission, state=Submission.State.ENCRYPTED
        )
    assert Submission.objects.get().state == Submission.State.RECEIVED
    assert Submission.State.ENCRYPTED not in dict(ReviewForm().fields["state"].choices)  # type: ignore[attr-defined]  # a ChoiceField


def test_a_new_upload_of_an_encrypted_form_carries_the_managed_key(
    tree: UnitTree, users: FormUsers
) -> None:
    """Once encryption is on, every version published carries the form's key; an
    upload bringing a key of its own is refused with what to do."""
    commune = tree.communes[0]
    form_publish(actor=users.officer_a, name="f.md", data=markdown_form(), unit=commune)
    form = FormVersion.objects.get().form
    form_encryption_enable(actor=users.officer_a, form=form, passphrase=PASSPHRASE)
    key = FormEncryptionKey.objects.get()
    upload = form_publish(
        actor=users.officer_a, name="f.md", data=markdown_form(version="3"), unit=commune
    )
    assert upload.encryption_key == key
    assert xform_public_key(upload.xform) == key.public_key
    own = key_pair_generate("cụm của người khác").public_key
    source = markdown_form(version="4").decode()
    source = source.replace("| default_language   |", "| default_language   | public_key |")
    source = source.replace("| Tiếng Việt (vi)    |", f"| Tiếng Việt (vi)    | {own} |")
    with pytest.raises(XLSFormRejected, match="bỏ public_key"):
        form_publish(actor=users.officer_a, name="f.md", data=source.encode(), unit=commune)


def test_a_plain_submission_to_an_encrypted_version_is_refused_and_not_kept(
    encrypted: Encrypted,
) -> None:
    """A client that did not encrypt (a browser form) is refused, and the refusal keeps
    the reason but not the plain answers the officer chose to have encrypted."""
    household = Household.objects.get(pk=encrypted.household.pk)
    xml = household_instance(uuid="plain", household=household.address_code, values=VALUES).replace(
        f'version="{HOUSEHOLD_FORM_VERSION}"'.encode(),
        f'version="{encrypted.version.version}"'.encode(),
    )
    response = submission_post(encrypted.client, xml)
    assert response.status_code == 400
    assert "mã hoá" in response.content.decode()
    assert not Submission.objects.exists()
    refused = RefusedSubmission.objects.get()
    assert refused.xml == ""
    assert refused.instance_id == "uuid:plain"


def test_a_second_edit_of_the_same_submission_is_marked_not_crashed(
    encrypted: Encrypted, users: FormUsers
) -> None:
    """Two encrypted edits name the same predecessor: the first decrypted replaces it,
    the second waits with the reason, and the batch goes on."""
    manifest, files = _sent(encrypted, "o1")
    submission_post(encrypted.client, manifest, *files)
    form_submissions_decrypt(
        actor=users.central_admin, form=encrypted.version.form, passphrase=PASSPHRASE
    )
    for uuid in ("o1-edit-a", "o1-edit-b"):
        manifest, files = _sent(encrypted, uuid, deprecated="o1")
        assert submission_post(encrypted.client, manifest, *files).status_code == 201
    batch = form_submissions_decrypt(
        actor=users.central_admin, form=encrypted.version.form, passphrase=PASSPHRASE
    )
    assert (batch.decrypted, batch.failed) == (1, 1)
    second = Submission.objects.get(instance_id="uuid:o1-edit-b")
    assert second.state == Submission.State.ENCRYPTED
    assert "uuid:o1" in second.encryption.problem
