"""Submissions over OpenRosa under load (issue 4): 20 collectors' phones posting
household updates to POST /openrosa/submission of the production settings behind
gunicorn, with Locust. Goal: ≥ 300 submissions/s on 2 cores. PostgreSQL only.

Each collector is a digital team member of one of the 20 largest communes of a
synthetic province, with their own app password. Before each run the bench downloads
every collector's households.csv from the server, as their phone would; each new
submission then updates another household of that list, with the `__version` the
list gave it, so that each is a clean update (applied, not a conflict). About 5 % of
the posts send again an instance already sent, which must be answered 202 and change
nothing. Locust (requirements/bench.txt) runs in its own process beside the server
on the same cores, and so takes part of them: the bench prints who used the CPU.

Short trials (BENCH_INGEST_TRIAL_SECONDS, default 15; 0 skips them) compare gunicorn's
sync and gthread workers, and persistent database connections; the best is then run
for BENCH_INGEST_SECONDS (default 60). BENCH_INGEST_USERS sets the collectors (20).
"""

from __future__ import annotations

import contextlib
import csv
import ctypes
import datetime as dt
import io
import json
import os
import resource
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from types import FrameType
from urllib.parse import quote

from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.test import override_settings
from django.utils import timezone

from langso.registry.models import Household
from langso.surveys.models import RefusedSubmission, Submission

from .common import percentiles, province_with_households
from .surveys_setup import (
    FORM_ID,
    FORM_VERSION,
    HOUSEHOLDS,
    PROVINCE,
    basic_authorization,
    collector,
    communes_by_households,
    household_form_publish,
)

SECONDS = int(os.environ.get("BENCH_INGEST_SECONDS", "60"))
TRIAL_SECONDS = int(os.environ.get("BENCH_INGEST_TRIAL_SECONDS", "15"))
USERS = int(os.environ.get("BENCH_INGEST_USERS", "20"))
REPLAY_SHARE = 0.05
GOAL = 300.0
LOCUSTFILE = Path(__file__).with_name("surveys_locustfile.py")
BIN = Path(sys.executable).parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class ServerConfig:
    worker_class: str  # "sync" or "gthread"
    workers: int
    threads: int = 1

    def __str__(self) -> str:
        threads = f" × {self.threads} threads" if self.worker_class == "gthread" else ""
        return f"{self.worker_class}, {self.workers} workers{threads}"

    def gunicorn_arguments(self) -> list[str]:
        return [
            "config.wsgi:application",
            f"--worker-class={self.worker_class}",
            f"--workers={self.workers}",
            f"--threads={self.threads}",
        ]

    @property
    def short(self) -> str:
        shape = f"{self.workers}×{self.threads}" if self.threads > 1 else f"×{self.workers}"
        return f"{self.worker_class} {shape}"


# 2 cores: gunicorn's (2 × cores) + 1 sync workers and fewer, and threads, which wait
# on the database without holding a process.
TRIALS = (
    ServerConfig("sync", 5),
    ServerConfig("sync", 3),
    ServerConfig("gthread", 3, 4),
    ServerConfig("gthread", 2, 8),
)
# Without trials: what they chose on the 2-core bench machine.
DEFAULT = ServerConfig("sync", 3)


# ---------------------------------------------------------------------------------------
# Child processes: they die with the bench, whatever ends it.


def _die_with_parent() -> None:
    """In the child, before exec: SIGTERM when the bench dies, even by SIGKILL
    (Linux's PR_SET_PDEATHSIG), so that no server outlives a failed run."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


def _raise_exit(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


@contextlib.contextmanager
def _exit_on_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP end the bench through its `finally` blocks (servers stopped,
    database dropped), as Ctrl-C does."""
    previous = {s: signal.signal(s, _raise_exit) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """The process and its group (gunicorn's workers): SIGTERM, then SIGKILL."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _database_url() -> str:
    """The bench's throw-away database, as production's DATABASE_URL names it (the
    production settings keep connections for 60 s)."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    return f"postgis://{credentials}@{host}:{db['PORT'] or 5432}/{quote(db['NAME'], safe='')}"


@contextlib.contextmanager
def _gunicorn(config: ServerConfig, workdir: Path, log: Path) -> Iterator[tuple[str, int]]:
    """The project's WSGI application under gunicorn with the production settings on
    the bench's database; yields its base URL and the master's pid."""
    port = _free_port()
    static = workdir / "static"
    static.mkdir(exist_ok=True)
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": _database_url(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "STATIC_ROOT": str(static),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
    }
    command = [
        str(BIN / "gunicorn"),
        *config.gunicorn_arguments(),
        f"--bind=127.0.0.1:{port}",
        "--backlog=2048",
        "--graceful-timeout=5",
        "--log-level=warning",
    ]
    with log.open("ab") as log_file:
        server = subprocess.Popen(  # noqa: S603  # our own command line, no shell
            command,
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,  # safe: the bench runs no threads
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(server, url, log)
        yield url, server.pid
    finally:
        _stop(server)


def _wait_ready(server: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({server.returncode}):\n{log.read_text()}")
        try:
            urllib.request.urlopen(f"{url}/openrosa/formList", timeout=5)  # noqa: S310
        except urllib.error.HTTPError as exc:
            if exc.code == 401:  # up, and asking for the app password
                return
            raise RuntimeError(f"gunicorn answered {exc.code}:\n{log.read_text()}") from exc
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not start within 60 s:\n{log.read_text()}")


# ---------------------------------------------------------------------------------------
# Who used the CPU: /proc, sampled before and after a run.


def _ticks(pid: str) -> tuple[str, int, int, int] | None:
    """A process's name, process group, and CPU ticks: its own, and its waited-for
    children's (PostgreSQL backends that ended are counted in the postmaster's)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name = text[text.index("(") + 1 : text.rindex(")")]
    fields = text[text.rindex(")") + 2 :].split()
    # After the name: state ppid pgrp … utime(11) stime(12) cutime(13) cstime(14).
    own = int(fields[11]) + int(fields[12])
    return name, int(fields[2]), own, int(fields[13]) + int(fields[14])


def _postgres_share(pid: str, database: str) -> bool:
    """Whether a postgres process works for this bench: the postmaster and background
    processes do; a client backend does when it serves the bench's database (the
    process title names it), not the test suites that may run beside."""
    try:
        title = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return False
    return "(" not in title or f" {database} " in title


@dataclass(frozen=True)
class CpuSample:
    busy: int  # ticks of all cores but idle and I/O wait
    gunicorn: int
    postgres: int
    locust: float  # seconds of this process's waited-for children
    own: float

    @classmethod
    def take(cls, gunicorn_pgrp: int) -> CpuSample:
        user, nice, system, _idle, _iowait, irq, softirq, steal, *_rest = (
            int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
        )
        database = connection.settings_dict["NAME"]
        server = postgres = 0
        for entry in os.scandir("/proc"):
            stat = _ticks(entry.name) if entry.name.isdigit() else None
            if stat is None:
                continue
            name, pgrp, own, children = stat
            if pgrp == gunicorn_pgrp:
                server += own + children
            elif name == "postgres" and _postgres_share(entry.name, database):
                postgres += own + children
        children_usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        own_usage = resource.getrusage(resource.RUSAGE_SELF)
        return cls(
            busy=user + nice + system + irq + softirq + steal,
            gunicorn=server,
            postgres=postgres,
            locust=children_usage.ru_utime + children_usage.ru_stime,
            own=own_usage.ru_utime + own_usage.ru_stime,
        )


@dataclass(frozen=True)
class CpuUse:
    """Cores busy on average during a run, and by whom."""

    busy: float
    gunicorn: float
    postgres: float
    locust: float
    other: float

    @classmethod
    def between(cls, before: CpuSample, after: CpuSample, seconds: float) -> CpuUse:
        def cores(ticks: float) -> float:
            return ticks / CLOCK_TICKS / seconds

        busy = cores(after.busy - before.busy)
        gunicorn = cores(after.gunicorn - before.gunicorn)
        postgres = cores(after.postgres - before.postgres)
        locust = (after.locust - before.locust) / seconds
        own = (after.own - before.own) / seconds
        other = max(0.0, busy - gunicorn - postgres - locust - own)
        return cls(busy, gunicorn, postgres, locust, other)

    def __str__(self) -> str:
        return (
            f"{self.busy:.2f} of {os.cpu_count()} cores busy: gunicorn {self.gunicorn:.2f}, "
            f"PostgreSQL {self.postgres:.2f}, Locust {self.locust:.2f}, "
            f"other processes {self.other:.2f}"
        )


# ---------------------------------------------------------------------------------------
# The load.


@dataclass(frozen=True)
class Collector:
    username: str
    token: str


def _households_list(url: str, who: Collector) -> list[dict[str, str]]:
    """The rows of the collector's households.csv, downloaded as their phone would."""
    request = urllib.request.Request(  # noqa: S310  # our own server on 127.0.0.1
        f"{url}/openrosa/forms/{FORM_ID}/media/households.csv",
        headers={"Authorization": basic_authorization(who.username, who.token)},
    )
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        text = response.read().decode()
    return list(csv.DictReader(io.StringIO(text)))


@dataclass
class Outcome:
    config: ServerConfig
    seconds: float
    new: Counter[int]
    replays: Counter[int]
    new_ms: list[float]
    replay_ms: list[float]
    lists_refetched: int
    cpu: CpuUse
    since: dt.datetime  # when the run began (received_at of its submissions is later)
    users: int
    # The end of gunicorn's log when a post failed.
    server_log: str

    @property
    def posted(self) -> int:
        return self.new.total() + self.replays.total()

    @property
    def per_second(self) -> float:
        return self.posted / self.seconds if self.seconds else 0.0

    @property
    def failures(self) -> int:
        return self.posted - self.new[201] - self.replays[202]


def _load(
    config: ServerConfig, collectors: list[Collector], seconds: int, workdir: Path
) -> Outcome:
    """Start the server, download the lists, run Locust for `seconds`, stop the server."""
    server_log = workdir / "gunicorn.log"
    with _gunicorn(config, workdir, server_log) as (url, pgrp):
        plan = {
            "form_id": FORM_ID,
            "version": FORM_VERSION,
            "replay_share": REPLAY_SHARE,
            "seed": secrets.randbits(32),
            "collectors": [
                {"username": c.username, "token": c.token, "households": _households_list(url, c)}
                for c in collectors
            ],
        }
        plan_path, result_path = workdir / "plan.json", workdir / "result.json"
        plan_path.write_text(json.dumps(plan))
        result_path.unlink(missing_ok=True)
        command = [
            str(BIN / "locust"),
            f"--locustfile={LOCUSTFILE}",
            "--headless",
            f"--users={len(collectors)}",
            f"--spawn-rate={len(collectors)}",
            f"--run-time={seconds}s",
            f"--host={url}",
            "--only-summary",
            "--stop-timeout=10",
            "--loglevel=WARNING",
        ]
        environment = {
            **os.environ,
            "BENCH_INGEST_PLAN": str(plan_path),
            "BENCH_INGEST_RESULT": str(result_path),
        }
        since = timezone.now()
        before = CpuSample.take(pgrp)
        started = time.perf_counter()
        log = workdir / "locust.log"
        with log.open("wb") as log_file:
            locust = subprocess.Popen(  # noqa: S603  # our own command line, no shell
                command,
                env=environment,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent,  # safe: the bench runs no threads
            )
            try:
                locust.wait(timeout=seconds + 120)
            finally:
                _stop(locust)
        after = CpuSample.take(pgrp)
        elapsed = time.perf_counter() - started
    if not result_path.exists():
        raise RuntimeError(f"Locust wrote no result:\n{log.read_text()[-3000:]}")
    result = json.loads(result_path.read_text())
    new, replay = "POST /openrosa/submission (new)", "POST /openrosa/submission (replay)"
    outcome = Outcome(
        config=config,
        seconds=result["seconds"],
        new=Counter({int(k): v for k, v in result["statuses"][new].items()}),
        replays=Counter({int(k): v for k, v in result["statuses"][replay].items()}),
        new_ms=result["latencies_ms"][new],
        replay_ms=result["latencies_ms"][replay],
        lists_refetched=result["lists_refetched"],
        cpu=CpuUse.between(before, after, elapsed),
        since=since,
        users=len(collectors),
        server_log="",
    )
    if outcome.failures:
        outcome.server_log = "\n".join(server_log.read_text().splitlines()[-20:])
    return outcome


def _percentiles(samples: list[float]) -> str:
    if not samples:
        return "no samples"
    ordered = sorted(samples)
    p99 = ordered[max(0, round(0.99 * len(ordered)) - 1)]
    figures = percentiles(ordered)
    return (
        f"p50 {figures['p50']:.1f} ms, p95 {figures['p95']:.1f} ms, p99 {p99:.1f} ms, "
        f"max {figures['max']:.0f} ms"
    )


def _cost(outcome: Outcome) -> str:
    """CPU time per post, and the rate two cores would give were they the server's
    alone: a figure that holds better than the rate when other processes share them."""
    cpu = outcome.cpu
    if not outcome.per_second or not cpu.gunicorn + cpu.postgres:
        return "not measured"
    web = cpu.gunicorn / outcome.per_second * 1000
    database = cpu.postgres / outcome.per_second * 1000
    ceiling = (os.cpu_count() or 1) * 1000 / (web + database)
    return (
        f"gunicorn {web:.1f} ms + PostgreSQL {database:.1f} ms = {web + database:.1f} ms, "
        f"≈ {ceiling:.0f}/s if all {os.cpu_count()} cores served only this"
    )


def _trial_line(outcome: Outcome) -> str:
    figures = percentiles(outcome.new_ms + outcome.replay_ms) if outcome.posted else {}
    cpu = outcome.cpu
    server_ms = (cpu.gunicorn + cpu.postgres) / outcome.per_second * 1000 if outcome.posted else 0
    return (
        f"    {outcome.config.short:<28} {outcome.per_second:6.1f}/s   "
        f"p50 {figures.get('p50', 0):6.0f} ms  p95 {figures.get('p95', 0):6.0f} ms   "
        f"server CPU {server_ms:5.1f} ms/post   other processes {cpu.other:.2f} cores"
        + (f"   {outcome.failures} failed" if outcome.failures else "")
    )


def _entity_states(since: dt.datetime) -> str:
    """What became of the household values of the run's new submissions, where
    submissions record it (`entity_state`)."""
    fields = {f.name for f in Submission._meta.get_fields()}
    run = Submission.objects.filter(received_at__gte=since)
    if "entity_state" not in fields:
        return "not recorded (Submission has no entity_state yet)"
    counts = Counter(
        {
            row["entity_state"] or "(none)": row["n"]
            for row in run.values("entity_state").annotate(n=Count("id"))
        }
    )
    shown = ", ".join(f"{state} {n:,}" for state, n in counts.most_common())
    return f"{shown}   (applied {counts['applied']:,}, conflict {counts['conflict']:,})"


def _report(outcome: Outcome) -> None:
    new_total, replay_total = outcome.new.total(), outcome.replays.total()
    config = outcome.config
    print(
        f"  Main run, {outcome.users} Locust users for {outcome.seconds:.0f} s against gunicorn "
        f"{' '.join(config.gunicorn_arguments())}:"
    )
    print(
        f"    submissions/s:            {outcome.per_second:7.1f}   (goal ≥ {GOAL:.0f}/s on "
        f"2 cores)   {outcome.posted:,} posted: {new_total:,} new, {replay_total:,} replays"
    )
    print(f"    latency, all posts:       {_percentiles(outcome.new_ms + outcome.replay_ms)}")
    print(f"    latency, new:             {_percentiles(outcome.new_ms)}")
    print(f"    latency, replays:         {_percentiles(outcome.replay_ms)}")
    unexpected = {
        **{f"new {k}": v for k, v in outcome.new.items() if k != 201},
        **{f"replay {k}": v for k, v in outcome.replays.items() if k != 202},
    }
    print(
        f"    failures:                 {outcome.failures:,}"
        + (f"   ({', '.join(f'{k}: {v}' for k, v in unexpected.items())})" if unexpected else "")
    )
    rate = outcome.replays[202] / replay_total if replay_total else 0.0
    print(
        f"    replays answered 202:     {outcome.replays[202]:,} of {replay_total:,} "
        f"({rate:.1%}); new answered 201: {outcome.new[201]:,} of {new_total:,}"
    )
    print(f"    household values:         {_entity_states(outcome.since)}")
    changed = Household.objects.filter(updated_at__gte=outcome.since).count()
    print(f"    households changed:       {changed:,}")
    refused = (
        RefusedSubmission.objects.filter(received_at__gte=outcome.since)
        .values("reason")
        .annotate(n=Count("id"))
        .order_by("-n")[:3]
    )
    for row in refused:
        print(f"    refused {row['n']:,}×: {row['reason'][:150]}")
    if outcome.lists_refetched:
        print(f"    (lists used up and downloaded again: {outcome.lists_refetched})")
    print(f"    CPU:                      {outcome.cpu}")
    print(f"    server CPU per post:      {_cost(outcome)}")
    if outcome.server_log:
        print("    gunicorn's log ends with:\n" + outcome.server_log)


def run() -> None:
    print(f"OpenRosa submissions under load on {connection.vendor}")
    if connection.vendor != "postgresql":
        print("  Skipped: gunicorn with concurrent writers needs PostgreSQL (DATABASE_URL=…).")
        return
    with (
        tempfile.TemporaryDirectory(prefix="bench-ingest-") as temporary,
        override_settings(MEDIA_ROOT=str(Path(temporary) / "media")),
        _exit_on_signals(),
    ):
        workdir = Path(temporary)
        province = province_with_households(PROVINCE, HOUSEHOLDS)
        household_form_publish(province)
        communes = communes_by_households(province)[:USERS]
        collectors = []
        for n, (commune, _households) in enumerate(communes, start=1):
            user, token = collector(f"bench.thu.{n:02d}", commune)
            collectors.append(Collector(user.username, token))
        smallest = communes[-1][1]
        print(
            f"  {len(collectors)} collectors, digital team members of the {len(collectors)} "
            f"largest communes ({smallest:,} to {communes[0][1]:,} households each)"
        )
        print(
            f"  gunicorn {metadata.version('gunicorn')} serving config.wsgi with "
            f"config.settings.production; Locust {metadata.version('locust')} in its own "
            "process, on the same cores"
        )
        best = DEFAULT
        if TRIAL_SECONDS:
            print(f"  Trials, {TRIAL_SECONDS} s each (all posts, new and replays):")
            outcomes = []
            for config in TRIALS:
                outcomes.append(_load(config, collectors, TRIAL_SECONDS, workdir))
                print(_trial_line(outcomes[-1]))
            best = max(outcomes, key=lambda o: o.per_second).config
            print(f"  Best: {best}")
        else:
            print(f"  No trials: {best}")
        _report(_load(best, collectors, SECONDS, workdir))
