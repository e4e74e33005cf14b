# mypy: disable-error-code="import-not-found", allow-subclassing-any, allow-untyped-decorators
# (Locust is a bench-only requirement, requirements/bench.txt: where it is not installed,
# as in CI's type check, its names are Any.)
"""Locust users for `python -m bench ingest`: each one is a collector's phone posting
household updates to /openrosa/submission as fast as the server answers, and now and
then sending again an instance it already sent (which must be answered 202).

Run by `bench.surveys_ingest` as a separate process (Locust patches the standard
library with gevent); never imported by Django. It reads the plan the bench wrote
(BENCH_INGEST_PLAN: collectors, their app passwords and the households of their list
with each one's `__version`) and writes what it saw (BENCH_INGEST_RESULT: the answers
by status, and every submission's latency).
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import random
import time
import uuid
from collections import Counter
from typing import Any

from locust import FastHttpUser, constant, events, task
from locust.exception import StopUser

with open(os.environ["BENCH_INGEST_PLAN"], encoding="utf-8") as _plan_file:
    PLAN: dict[str, Any] = json.load(_plan_file)
FORM_ID: str = PLAN["form_id"]
VERSION: str = PLAN["version"]
REPLAY_SHARE: float = PLAN["replay_share"]
BOUNDARY = "benchOpenRosaBoundary7MA4YWxkTrZu0gW"
NEW = "POST /openrosa/submission (new)"
REPLAY = "POST /openrosa/submission (replay)"
# Counts of households.csv the form leaves as they are: each must stay ≤ adults.
KEPT_COUNTS = ("adults_epayment", "adults_vneid", "adults_public_service")

_next_collector = itertools.count()
statuses: dict[str, Counter[int]] = {NEW: Counter(), REPLAY: Counter()}
latencies_ms: dict[str, list[float]] = {NEW: [], REPLAY: []}
clock: dict[str, float] = {}
# Collectors who used their whole list up and downloaded it again.
refetched: list[str] = []


def instance_xml(household: dict[str, str], rng: random.Random) -> str:
    """A household update as ODK Collect sends it: the answers, then meta/entity with the
    household's address code and the `__version` the collector's list carried. The
    counts agree with those the form does not ask (readiness counts ≤ adults), so that
    the registry takes them."""
    code = household["name"]
    floor = max(int(household.get(field) or 0) for field in KEPT_COUNTS)
    adults = rng.randint(max(1, floor), max(floor, 6))
    members = rng.randint(adults, max(adults, 8))
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>'
        f'<data xmlns:jr="http://openrosa.org/javarosa" id="{FORM_ID}" version="{VERSION}">'
        f"<household>{code}</household>"
        f"<members>{members}</members><adults>{adults}</adults>"
        f"<adults_smartphone>{rng.randint(0, adults)}</adults_smartphone>"
        f"<broadband>{rng.choice(('fibre', 'other', 'none'))}</broadband>"
        f'<meta><entity dataset="households" id="{code}" update="1" '
        f'baseVersion="{household["__version"]}"/>'
        f"<instanceID>uuid:{uuid.uuid4()}</instanceID></meta>"
        f"</data>"
    )


def multipart(xml: str) -> str:
    # Text, not bytes, for Locust's client: every character here is ASCII.
    return (
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="xml_submission_file"; filename="submission.xml"\r\n'
        f"Content-Type: text/xml\r\n\r\n{xml}\r\n--{BOUNDARY}--\r\n"
    )


class Collector(FastHttpUser):
    wait_time = constant(0)
    # Under load the server may queue a request for seconds; that is a figure, not an error.
    network_timeout = 120.0
    connection_timeout = 120.0

    def on_start(self) -> None:
        collectors = PLAN["collectors"]
        me = collectors[next(_next_collector) % len(collectors)]
        self.username: str = me["username"]
        self.auth = (self.username, me["token"])
        # households.csv's rows: name, __version and the counts.
        self.households: list[dict[str, str]] = me["households"]
        self.position = 0
        self.sent: list[str] = []
        # Another sequence each run: a household's values must change to be written.
        self.rng = random.Random(f"{self.username}:{PLAN['seed']}")

    def _post(self, body: str, name: str, expected: int) -> None:
        started = time.perf_counter()
        with self.client.post(
            "/openrosa/submission",
            data=body,
            name=name,
            auth=self.auth,
            headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
            catch_response=True,
        ) as response:
            latencies_ms[name].append((time.perf_counter() - started) * 1000)
            statuses[name][response.status_code] += 1
            if response.status_code != expected:
                response.failure(f"{response.status_code} (expected {expected})")

    def _refetch_list(self) -> None:
        """The list is used up: download it again, as a phone would, for fresh versions."""
        response = self.client.get(
            f"/openrosa/forms/{FORM_ID}/media/households.csv",
            name="GET households.csv (list used up)",
            auth=self.auth,
        )
        self.households = list(csv.DictReader(io.StringIO(response.text or "")))
        self.position = 0
        refetched.append(self.username)
        if not self.households:
            raise StopUser

    @task
    def submit(self) -> None:
        if self.sent and self.rng.random() < REPLAY_SHARE:
            self._post(self.rng.choice(self.sent), REPLAY, 202)
            return
        if self.position >= len(self.households):
            self._refetch_list()
        body = multipart(instance_xml(self.households[self.position], self.rng))
        self.position += 1
        self._post(body, NEW, 201)
        self.sent.append(body)


@events.test_start.add_listener
def _started(**_kwargs: Any) -> None:
    clock["start"] = time.perf_counter()


@events.test_stop.add_listener
def _stopped(**_kwargs: Any) -> None:
    clock["stop"] = time.perf_counter()
    result = {
        "seconds": clock["stop"] - clock.get("start", clock["stop"]),
        "statuses": {name: dict(counts) for name, counts in statuses.items()},
        "latencies_ms": latencies_ms,
        "lists_refetched": len(refetched),
    }
    with open(os.environ["BENCH_INGEST_RESULT"], "w", encoding="utf-8") as out:
        json.dump(result, out)
