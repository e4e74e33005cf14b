"""Loudspeaker audio: a text spoken in Vietnamese by espeak-ng and encoded as MP3 (lame)
or Ogg Vorbis (oggenc), for a commune's IP loudspeaker system or for download.

The tools run as subprocesses without a shell, each with a timeout, and the text goes
in on standard input, never as an argument (a text starting with "-" would be read as
an option). The length is limited: a loudspeaker notice is read in a few minutes."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata

from django.utils.translation import gettext as _

from langso.core.errors import DomainError

from .models import AudioFormat

# About three minutes of speech at the rate below (espeak-ng reads ~12 characters a second).
SPEECH_MAX_CHARS = 2000
# Words a minute: slower than espeak-ng's 175, for a loudspeaker heard across a village.
SPEECH_RATE = 140
# Seconds each tool may take; espeak-ng speaks 2,000 characters in well under one.
TOOL_TIMEOUT = 60

CONTENT_TYPES: dict[str, str] = {AudioFormat.MP3: "audio/mpeg", AudioFormat.OGG: "audio/ogg"}

_SPEAK = ["espeak-ng", "-v", "vi", "-b", "1", "-s", str(SPEECH_RATE), "--stdin", "--stdout"]
_ENCODE: dict[str, list[str]] = {
    # 64 kbit/s mono: a voice on a loudspeaker needs no more.
    AudioFormat.MP3: ["lame", "--quiet", "-b", "64", "-", "-"],
    AudioFormat.OGG: ["oggenc", "--quiet", "-q", "3", "-o", "-", "-"],
}


class SpeechTooLong(DomainError):
    """The text would take too long to read out."""


class AudioUnavailable(Exception):
    """A tool failed or is missing: the file cannot be made now."""


def _speakable(text: str) -> str:
    """`text` without control characters (a pasted text may carry any), in NFC, the
    form espeak-ng's Vietnamese rules read."""
    kept = "".join(c if c in "\n\t" or unicodedata.category(c)[0] != "C" else " " for c in text)
    return unicodedata.normalize("NFC", kept).strip()


def _run(command: list[str], data: bytes) -> bytes:
    # The tool's full path, found once per call: a missing package says its name.
    program = shutil.which(command[0])
    if program is None:
        raise AudioUnavailable(f"{command[0]} is not installed (scripts/install.sh)")
    try:
        done = subprocess.run(  # noqa: S603  # fixed commands, the text on stdin
            [program, *command[1:]],
            input=data,
            capture_output=True,
            timeout=TOOL_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise AudioUnavailable(f"{command[0]}: {exc}") from exc
    if done.returncode != 0 or not done.stdout:
        raise AudioUnavailable(
            f"{command[0]} exited {done.returncode}: {done.stderr.decode(errors='replace')[:300]}"
        )
    return done.stdout


def speech_file(text: str, fmt: str) -> bytes:
    """`text` read in Vietnamese, as the bytes of an MP3 or Ogg Vorbis file (`fmt` of
    `AudioFormat`). A text too long or empty is refused (`SpeechTooLong`, `DomainError`);
    a tool that fails raises `AudioUnavailable`."""
    if fmt not in _ENCODE:
        raise DomainError(_("Định dạng âm thanh không được hỗ trợ."))
    speakable = _speakable(text)
    if not speakable:
        raise DomainError(_("Không có nội dung để đọc."))
    if len(speakable) > SPEECH_MAX_CHARS:
        raise SpeechTooLong(
            _("Nội dung dài %(length)s ký tự, quá %(limit)s ký tự đọc trên loa.")
            % {"length": len(speakable), "limit": SPEECH_MAX_CHARS}
        )
    wav = _run(_SPEAK, speakable.encode())
    return _run(_ENCODE[fmt], wav)
