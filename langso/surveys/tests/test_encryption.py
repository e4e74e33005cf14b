"""The server's side of ODK encryption without a database: the public key written into
an XForm as ODK tools read it, the private key sealed under a passphrase, and the
per-file IVs of the spec."""

from __future__ import annotations

import dataclasses

import pytest
from defusedxml import ElementTree

from langso.core.errors import DomainError
from langso.surveys.encryption import (
    PassphraseWrong,
    SealedKey,
    file_ivs,
    key_pair_generate,
    private_key_unseal,
    xform_public_key,
    xform_with_public_key,
)
from langso.surveys.xlsforms import xform_info, xlsform_convert

from .forms_testing import markdown_form, xform_document

PASSPHRASE = "mười ký tự trở lên"


@pytest.fixture(scope="module")
def sealed() -> SealedKey:
    return key_pair_generate(PASSPHRASE)


def test_the_key_goes_into_the_models_submission_not_a_question_of_that_name(
    sealed: SealedKey,
) -> None:
    """A form may have a question named "submission": its instance node stays as it
    was, and ODK Validate accepts the form with the key."""
    public_key = sealed.public_key
    xform = xlsform_convert(
        name="f.md", data=markdown_form(extra_rows="| | text | submission | Ghi chú | Note | |")
    ).xform
    keyed = xform_with_public_key(xform, public_key=public_key, version="2")
    assert xform_public_key(keyed) == public_key
    assert "<submission/>" in keyed
    assert xform_info(keyed).version == "2"
    checked = xlsform_convert(name="f.xml", data=keyed.encode())
    assert checked.info.form_id == "khao_sat_thu"


def test_an_xform_without_a_submission_element_gets_one_in_the_xforms_namespace(
    sealed: SealedKey,
) -> None:
    public_key = sealed.public_key
    keyed = xform_with_public_key(
        xform_document().decode(), public_key=public_key, version="2026010102"
    )
    root = ElementTree.fromstring(keyed)
    submission = root.find(
        "{http://www.w3.org/1999/xhtml}head/{http://www.w3.org/2002/xforms}model/"
        "{http://www.w3.org/2002/xforms}submission"
    )
    assert submission is not None
    assert submission.get("base64RsaPublicKey") == public_key
    assert xform_info(keyed).version == "2026010102"


def test_a_key_already_in_the_form_is_replaced(sealed: SealedKey) -> None:
    public_key = sealed.public_key
    first = xform_with_public_key(xform_document().decode(), public_key="AAAA")
    keyed = xform_with_public_key(first, public_key=public_key)
    assert xform_public_key(keyed) == public_key
    assert keyed.count("base64RsaPublicKey") == 1


def test_the_private_key_opens_only_with_its_passphrase_and_its_public_key(
    sealed: SealedKey,
) -> None:
    """A wrong passphrase is refused; so is the sealed key copied beside another
    public key (the public key is authenticated with it)."""
    key = private_key_unseal(sealed, PASSPHRASE)
    assert key.key_size == 2048
    with pytest.raises(PassphraseWrong):
        private_key_unseal(sealed, PASSPHRASE + "!")
    other = key_pair_generate(PASSPHRASE)
    moved = dataclasses.replace(other, public_key=sealed.public_key)
    with pytest.raises(PassphraseWrong):
        private_key_unseal(moved, PASSPHRASE)


def test_a_short_passphrase_is_refused() -> None:
    with pytest.raises(DomainError, match="ít nhất 10 ký tự"):
        key_pair_generate("ngắn")


def test_each_file_has_its_iv_one_byte_further_cycling_over_sixteen() -> None:
    """The spec's IV: the md5 seed with byte (n mod 16) incremented before file n."""
    ivs = file_ivs("uuid:1", bytes(32), 17)
    assert [a ^ b for a, b in zip(ivs[0], ivs[1], strict=True)].count(0) == 15
    assert ivs[16][0] == (ivs[0][0] + 1) % 256
    assert ivs[16][1:] == ivs[15][1:]
