"""Loudspeaker audio: a Vietnamese sentence becomes an MP3 or Ogg file that plays (sox
reads its duration), the text never reaches a tool as an option, and a text too long
to read out is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from langso.core.errors import DomainError
from langso.messaging.audio import SPEECH_MAX_CHARS, SpeechTooLong, speech_file
from langso.messaging.testing import audio_seconds

SENTENCE = "Thông báo: sáng thứ bảy ngày 12/12/2026, thôn họp tại nhà văn hóa lúc bảy giờ."


@pytest.mark.parametrize("fmt", ["mp3", "ogg"])
def test_a_vietnamese_sentence_plays(fmt: str, tmp_path: Path) -> None:
    """The file plays for longer than a second (sox reports its duration)."""
    content = speech_file(SENTENCE, fmt)
    seconds = audio_seconds(content, fmt, tmp_path)
    assert seconds > 1
    print(f"{fmt}: {len(content)} bytes, {seconds:.2f} s")


def test_the_formats_are_what_they_say() -> None:
    """MP3 starts with an ID3 tag or a frame sync, Ogg with its capture pattern."""
    mp3, ogg = speech_file(SENTENCE, "mp3"), speech_file(SENTENCE, "ogg")
    assert mp3[:3] == b"ID3" or mp3[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2")
    assert ogg[:4] == b"OggS"


def test_a_text_that_looks_like_an_option_is_spoken(tmp_path: Path) -> None:
    """A text starting with "-" or "--help" is read out, not taken as an option."""
    for text in ("--help", "-v en --stdout /etc/passwd", "--version Họp thôn"):
        assert audio_seconds(speech_file(text, "mp3"), "mp3", tmp_path) > 0.3


def test_control_characters_are_dropped_not_spoken() -> None:
    """A pasted text's control characters do not break the tools."""
    assert speech_file("Họp\x00 thôn\x1b[31m lúc 7 giờ", "ogg")[:4] == b"OggS"


def test_a_text_too_long_is_refused_with_the_limit() -> None:
    with pytest.raises(SpeechTooLong) as refused:
        speech_file("a" * (SPEECH_MAX_CHARS + 1), "mp3")
    assert str(SPEECH_MAX_CHARS) in refused.value.message


@pytest.mark.parametrize(("text", "fmt"), [("   ", "mp3"), (SENTENCE, "wav")])
def test_nothing_to_read_or_an_unknown_format_is_refused(text: str, fmt: str) -> None:
    with pytest.raises(DomainError):
        speech_file(text, fmt)
