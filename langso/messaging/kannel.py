"""Kannel as the project runs it: the configuration written from settings, and the
processes started beside the app (the demo, the tests, the bench).

Three programs make the path app → smsbox → bearerbox → SMSC → delivery report → app:

- `bearerbox` holds the SMSC connections, the store file (a message it has accepted
  survives its restart and is sent then) and the delivery reports waiting for their SMSC
  (`dlr-storage = internal`);
- `smsbox` answers the app's HTTP `sendsms` and calls the app back: each message's
  `dlr-url`, and the `sms-service` for incoming SMS ("TU CHOI");
- the SMSC. In production an SMPP connection to a telco or an aggregator (see
  docs/messaging.md); here Kannel's own fake SMSC: bearerbox listens (`smsc = fake`) and
  Debian's `fakesmsc` (package kannel-extras) connects, prints every message it is given
  and acknowledges it. Kannel's fake SMSC driver reports "SMSC accepted" (8) and
  "delivered" (1) for every message whose `dlr-mask` asks for them, so no other fake SMSC
  is needed. It takes one client at a time: incoming SMS come through a second fake
  SMSC (`fake-mo`), which outgoing messages never take (`allowed-smsc-id`) but replies to
  the SMS it brought go back through.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import time
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.urls import reverse

# Debian installs fakesmsc outside PATH (kannel-extras).
FAKESMSC = "/usr/lib/kannel/test/fakesmsc"
BEARERBOX = "/usr/sbin/bearerbox"
SMSBOX = "/usr/sbin/smsbox"
# The smsc-id of each fake SMSC: outgoing messages go to the first only.
FAKE_SMSC_ID = "fake"
FAKE_MO_SMSC_ID = "fake-mo"
# Kannel's largest concatenation: 10 segments (1,530 GSM or 670 UCS-2 characters).
MAX_SEGMENTS = 10


@dataclass(frozen=True)
class KannelSetup:
    """Where Kannel runs and how the app and Kannel reach each other."""

    folder: Path
    host: str
    admin_port: int
    smsbox_port: int
    sendsms_port: int
    fakesmsc_port: int
    fakesmsc_mo_port: int
    user: str
    password: str
    admin_password: str
    mo_secret: str
    callback_url: str

    @classmethod
    def from_settings(cls) -> KannelSetup:
        return cls(
            folder=Path(settings.KANNEL_DIR),
            host=settings.KANNEL_HOST,
            admin_port=settings.KANNEL_ADMIN_PORT,
            smsbox_port=settings.KANNEL_SMSBOX_PORT,
            sendsms_port=settings.KANNEL_SENDSMS_PORT,
            fakesmsc_port=settings.KANNEL_FAKESMSC_PORT,
            fakesmsc_mo_port=settings.KANNEL_FAKESMSC_MO_PORT,
            user=settings.KANNEL_USER,
            password=settings.KANNEL_PASSWORD,
            admin_password=settings.KANNEL_ADMIN_PASSWORD,
            mo_secret=settings.KANNEL_MO_SECRET,
            callback_url=settings.KANNEL_CALLBACK_URL,
        )

    @property
    def conf_path(self) -> Path:
        return self.folder / "kannel.conf"

    @property
    def fakesmsc_log(self) -> Path:
        return self.folder / "fakesmsc.log"

    def mo_url(self) -> str:
        """The app's incoming-SMS URL as smsbox calls it: `%p` the sender, `%a` the
        text, and the shared secret."""
        secret = urllib.parse.quote(self.mo_secret, safe="")
        base = self.callback_url.rstrip("/") + reverse("messaging:sms-incoming")
        return f"{base}?from=%p&text=%a&secret={secret}"


def _quoted(value: str) -> str:
    # Kannel's configuration strings are in double quotes, with backslash escapes.
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def kannel_conf(setup: KannelSetup, *, fake_smsc: bool = True) -> str:
    """kannel.conf for `setup`: bearerbox, smsbox, the app's sendsms user, the incoming-SMS
    service and (with `fake_smsc`) the two fake SMSCs on loopback."""
    folder = setup.folder
    core = f"""group = core
admin-port = {setup.admin_port}
admin-password = {_quoted(setup.admin_password)}
admin-allow-ip = "127.0.0.1"
smsbox-port = {setup.smsbox_port}
box-allow-ip = "127.0.0.1"
log-file = {_quoted(str(folder / "bearerbox.log"))}
log-level = 1
access-log = {_quoted(str(folder / "access.log"))}
store-type = file
store-location = {_quoted(str(folder / "kannel.store"))}
store-dump-freq = 1
dlr-storage = internal
# A message the SMSC could not take now is tried again every 10 s.
sms-resend-freq = 10
"""
    smscs = ""
    if fake_smsc:
        smscs = f"""
group = smsc
smsc = fake
smsc-id = {FAKE_SMSC_ID}
port = {setup.fakesmsc_port}
connect-allow-ip = "127.0.0.1"
# Outgoing messages go to this one only.
denied-smsc-id = {FAKE_MO_SMSC_ID}

group = smsc
smsc = fake
smsc-id = {FAKE_MO_SMSC_ID}
port = {setup.fakesmsc_mo_port}
connect-allow-ip = "127.0.0.1"
# Only replies to the SMS it brought in go back through it.
allowed-smsc-id = {FAKE_MO_SMSC_ID}
"""
    boxes = f"""
group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = {setup.smsbox_port}
sendsms-port = {setup.sendsms_port}
sendsms-interface = {_quoted(setup.host)}
log-file = {_quoted(str(folder / "smsbox.log"))}
log-level = 1
# Answer the app only once bearerbox has stored the message.
immediate-sendsms-reply = false
# A phone sends "TỪ CHỐI" in UCS-2: smsbox passes the app its text as UTF-8.
mo-recode = true
# An incoming "TU CHOI" must reach the app even if it was down a moment.
http-request-retry = 5
http-queue-delay = 10

group = sendsms-user
username = {_quoted(setup.user)}
password = {_quoted(setup.password)}
user-allow-ip = "127.0.0.1"
concatenation = true
max-messages = {MAX_SEGMENTS}

group = sms-service
keyword = default
catch-all = true
get-url = {_quoted(setup.mo_url())}
max-messages = 1
# The app answers nothing to an SMS that is no keyword: no reply is sent then.
omit-empty = true
concatenation = true
"""
    return core + smscs + boxes


def _wait_port(host: str, port: int, *, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"Kannel did not open port {port} within {timeout:.0f} s")


def _fakesmsc_to(port: int) -> list[str]:
    # fakesmsc connects to the fake SMSC on `port`; `-m` says how many SMS it sends itself.
    return [FAKESMSC, "-H", "127.0.0.1", "-r", str(port), "-i", "0"]


def _stop(process: subprocess.Popen[bytes] | None, *, sig: int = signal.SIGTERM) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        # smsbox may hang on a bearerbox that died; a few seconds are enough otherwise.
        process.wait(timeout=3)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


# How long fakesmsc may take to read the rest and end once bearerbox is gone.
FAKESMSC_DRAIN = 10.0


@dataclass(frozen=True)
class FakeSms:
    """One message as the fake SMSC received it (a concatenated one put back together)."""

    sender: str
    receiver: str
    text: str
    segments: int = 1


def _fakesmsc_bytes(data: str) -> bytes:
    # fakesmsc URL-encodes with "+" for a space byte (a "+" itself comes as %2B).
    return urllib.parse.unquote_to_bytes(data.replace("+", " "))


def _segments_text(parts: list[bytes]) -> str:
    # A segment's type is "data" whatever its coding: UCS-2 is told by its bytes, as
    # the text of any Vietnamese message has ASCII letters, whose first byte is 0.
    joined = b"".join(parts)
    if len(joined) % 2 == 0 and b"\x00" in joined[::2]:
        return joined.decode("utf-16-be")
    return joined.decode("latin-1")


def fakesmsc_messages(lines: Iterable[str]) -> list[FakeSms]:
    """The messages in fakesmsc's output, in order: "Got message 3: <from to text …>",
    "<from to ucs-2 %00X…>", and the segments of a concatenated one, "<from to udh
    %05%00%03<ref><count><seq> data …>", joined once all have come."""
    found: list[FakeSms] = []
    pending: dict[tuple[str, str, int], dict[int, bytes]] = {}
    for line in lines:
        marker = line.find("Got message ")
        if marker < 0 or "<" not in line[marker:]:
            continue
        body = line[line.index("<", marker) + 1 : line.rindex(">")]
        sender, receiver, kind, data = [*body.split(" ", 3), ""][:4]
        if kind == "text":
            found.append(FakeSms(sender, receiver, data))
        elif kind == "ucs-2":
            found.append(FakeSms(sender, receiver, _fakesmsc_bytes(data).decode("utf-16-be")))
        elif kind == "udh":
            header, _, rest = data.partition(" ")
            udh = _fakesmsc_bytes(header)
            reference, count, sequence = udh[3], udh[4], udh[5]
            parts = pending.setdefault((sender, receiver, reference), {})
            parts[sequence] = _fakesmsc_bytes(rest.partition(" ")[2])
            if len(parts) == count:
                del pending[(sender, receiver, reference)]
                text = _segments_text([parts[i] for i in sorted(parts)])
                found.append(FakeSms(sender, receiver, text, segments=count))
        else:
            found.append(FakeSms(sender, receiver, _fakesmsc_bytes(data).decode("latin-1")))
    return found


class Kannel:
    """bearerbox, smsbox and (with `fake_smsc`) fakesmsc, started in that order with their
    pids and logs under `setup.folder`; `stop()` ends the three."""

    def __init__(self, setup: KannelSetup, *, fake_smsc: bool = True) -> None:
        self.setup = setup
        self.fake_smsc = fake_smsc
        self.bearerbox: subprocess.Popen[bytes] | None = None
        self.smsbox: subprocess.Popen[bytes] | None = None
        self.fakesmsc: subprocess.Popen[bytes] | None = None

    def _spawn(self, name: str, command: list[str]) -> subprocess.Popen[bytes]:
        output = (self.setup.folder / f"{name}.out").open("ab")
        try:
            process = subprocess.Popen(  # noqa: S603  # Kannel's own programs, our configuration
                command, stdout=output, stderr=subprocess.STDOUT, cwd=self.setup.folder
            )
        finally:
            output.close()
        (self.setup.folder / f"{name}.pid").write_text(f"{process.pid}\n")
        return process

    def start(self) -> None:
        self.setup.folder.mkdir(parents=True, exist_ok=True)
        self.setup.conf_path.write_text(kannel_conf(self.setup, fake_smsc=self.fake_smsc))
        conf = str(self.setup.conf_path)
        # `-v 2`: warnings and errors on the console; the log files keep the rest (at
        # debug level bearerbox wrote 1 MB to the console for 1,500 messages of the bench).
        self.bearerbox = self._spawn("bearerbox", [BEARERBOX, "-v", "2", conf])
        _wait_port("127.0.0.1", self.setup.smsbox_port)
        if self.fake_smsc:
            _wait_port("127.0.0.1", self.setup.fakesmsc_port)
            # fakesmsc writes what it receives to its standard error; appended across
            # restarts, so that a test counts everything the SMSC was ever given.
            log = self.setup.fakesmsc_log.open("ab")
            try:
                self.fakesmsc = subprocess.Popen(  # noqa: S603  # Kannel's fake SMSC, our port
                    [*_fakesmsc_to(self.setup.fakesmsc_port), "-m", "0", "nobody nobody text -"],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    cwd=self.setup.folder,
                )
            finally:
                log.close()
            (self.setup.folder / "fakesmsc.pid").write_text(f"{self.fakesmsc.pid}\n")
        self.smsbox = self._spawn("smsbox", [SMSBOX, "-v", "2", conf])
        _wait_port(self.setup.host, self.setup.sendsms_port)
        if self.smsbox.poll() is not None:
            raise RuntimeError(f"smsbox ended at start: see {self.setup.folder}/smsbox.log")

    def stop(self) -> None:
        for process in (self.smsbox, self.fakesmsc, self.bearerbox):
            _stop(process)

    def kill_bearerbox(self) -> None:
        """bearerbox dies at once (SIGKILL), as in a crash, and smsbox with it (smsbox
        only answers the app once bearerbox has stored a message, so it holds nothing of
        its own). fakesmsc is let go by itself: it reads what bearerbox had already
        written to it, then ends on the closed connection. Killing it too lost, on a
        loaded machine, a message bearerbox had handed over and marked sent."""
        _stop(self.bearerbox, sig=signal.SIGKILL)
        _stop(self.smsbox, sig=signal.SIGKILL)
        if self.fakesmsc is not None:
            try:
                self.fakesmsc.wait(timeout=FAKESMSC_DRAIN)
            except subprocess.TimeoutExpired:
                _stop(self.fakesmsc)

    def received(self) -> list[FakeSms]:
        """Every message the fake SMSC received since the folder was made."""
        if not self.setup.fakesmsc_log.exists():
            return []
        with self.setup.fakesmsc_log.open(encoding="utf-8", errors="replace") as lines:
            return fakesmsc_messages(lines)

    def wait_received(self, count: int, *, timeout: float = 20.0) -> list[FakeSms]:
        """What the fake SMSC received, once it holds at least `count` messages (or
        `timeout` has passed: the caller's assertions then say what is missing)."""
        deadline = time.monotonic() + timeout
        received = self.received()
        while len(received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
            received = self.received()
        return received

    def incoming(self, *, sender: str, text: str, timeout: float = 15.0) -> list[FakeSms]:
        """An SMS from `sender` to the app through the incoming fake SMSC, as a phone would
        send it; the replies Kannel sent back to the phone (waited for until `timeout`)."""
        encoded = urllib.parse.quote(text.encode("utf-16-be"), safe="")
        log = self.setup.folder / f"incoming-{time.monotonic_ns()}.log"
        with log.open("wb") as output:
            phone = subprocess.Popen(  # noqa: S603  # Kannel's fake SMSC, our port and text
                [
                    *_fakesmsc_to(self.setup.fakesmsc_mo_port),
                    *("-m", "1", f"{sender} {settings.KANNEL_SENDER} ucs2 {encoded}"),
                ],
                stdout=output,
                stderr=subprocess.STDOUT,
                cwd=self.setup.folder,
            )
        try:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                replies = fakesmsc_messages(log.read_text(errors="replace").splitlines())
                if replies:
                    return replies
                time.sleep(0.1)
            return []
        finally:
            _stop(phone)


def kannel_run() -> None:
    """Kannel in the foreground from settings, until SIGTERM or Ctrl+C (serve.sh)."""
    kannel = Kannel(KannelSetup.from_settings())
    kannel.start()
    stopping: list[int] = []
    signal.signal(signal.SIGTERM, lambda signum, _frame: stopping.append(signum))
    try:
        while not stopping and all(
            p is not None and p.poll() is None for p in (kannel.bearerbox, kannel.smsbox)
        ):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        kannel.stop()
