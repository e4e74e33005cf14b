"""SMS through Kannel (issue 18): sustained sending with Kannel's fake SMSC on loopback,
goal ≥ 200 messages/s.

A private Kannel (bearerbox, smsbox, fakesmsc) on free ports under var/bench-kannel, and
the app's own WSGI server in a thread of this process for Kannel's delivery reports.
BENCH_SMS_MESSAGES (default 3,000) SMS are queued (a third with Vietnamese diacritics,
so UCS-2), then BENCH_SMS_WORKERS (default 8) outbox workers, threads of this process
each with its own database connection and its own kept-alive connection to smsbox, send
them (`outbox_dispatch`, rounds of 50). Several workers because smsbox answers a sendsms
only once bearerbox has stored the message (about 14 ms here): one worker alone waits
for Kannel most of the time (about 35 messages/s). Printed: messages/s taken by Kannel
(the worker's loop), received by the fake SMSC, and delivered (the report handled by the
app); and the app's CPU time per message (`time.process_time` of this process: the
worker and the delivery-report requests, which are the app's work for each message)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
from django.core.wsgi import get_wsgi_application
from django.db import connection

from langso.core.db import capabilities
from langso.core.testing import free_port
from langso.messaging.kannel import Kannel, KannelSetup
from langso.messaging.models import Channel, Message, MessageStatus, Purpose
from langso.messaging.services.outbox import Outgoing, messages_enqueue, outbox_dispatch

MESSAGES = int(os.environ.get("BENCH_SMS_MESSAGES", "3000"))
WORKERS = int(os.environ.get("BENCH_SMS_WORKERS", "8"))
# Threads of the app's server answering Kannel's delivery reports (PostgreSQL).
REPORT_THREADS = 4
# Noon in Hà Nội: outside quiet hours.
NOON = dt.datetime(2026, 12, 7, 5, 0, tzinfo=dt.UTC)


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _PooledWSGIServer(WSGIServer):
    """Requests served by `REPORT_THREADS` threads, each keeping its database connection
    (production keeps them 60 s, `CONN_MAX_AGE`): as a WSGI server with a fixed pool
    serves, not a thread and a new connection per report (measured: PostgreSQL's
    "too many clients" under Kannel's burst of reports)."""

    pool = ThreadPoolExecutor(max_workers=REPORT_THREADS)

    def process_request(self, request: Any, client_address: Any) -> None:
        self.pool.submit(self._serve, request, client_address)

    def _serve(self, request: Any, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)

    def server_close(self) -> None:
        """Each pool thread closes its connection (the bench's database is dropped
        after): one job a thread, held at a barrier until all have taken theirs."""
        barrier = threading.Barrier(REPORT_THREADS)

        def close() -> None:
            connection.close()
            barrier.wait()

        for future in [self.pool.submit(close) for _ in range(REPORT_THREADS)]:
            future.result()
        super().server_close()


def _app_server() -> tuple[WSGIServer, str]:
    """The app's server for Kannel's reports: a thread per request where the database
    has row locks; one request at a time on SQLite, whose single writer a crowd of
    report threads only fights for (measured: reports waiting past the 30 s busy
    timeout, "database is locked", and Kannel sending them again)."""
    port = free_port()
    serving = _PooledWSGIServer if capabilities().row_locks else WSGIServer
    server = serving(("127.0.0.1", port), _Quiet)
    # Kannel opens many connections at once: they wait in the listen queue.
    server.socket.listen(128)
    server.set_app(get_wsgi_application())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{port}"


def _delivered() -> int:
    return Message.objects.filter(channel=Channel.SMS, status=MessageStatus.DELIVERED).count()


def _worker(counts: list[int], n: int) -> None:
    try:
        while True:
            done = outbox_dispatch(channel=Channel.SMS, limit=50, now=NOON)
            counts[n] += done.sent
            if done.sent + done.retried + done.dead + done.failed == 0:
                return
    finally:
        connection.close()


def run() -> None:
    print(f"SMS through Kannel and its fake SMSC: {MESSAGES:,} messages, {WORKERS} workers")
    server, url = _app_server()
    folder = Path(settings.BASE_DIR) / "var" / "bench-kannel"
    shutil.rmtree(folder, ignore_errors=True)
    setup = KannelSetup(
        folder=folder,
        host="127.0.0.1",
        admin_port=free_port(),
        smsbox_port=free_port(),
        sendsms_port=free_port(),
        fakesmsc_port=free_port(),
        fakesmsc_mo_port=free_port(),
        user="bench",
        password="bench-only",  # noqa: S106  # a throw-away Kannel
        admin_password="bench-only",  # noqa: S106
        mo_secret="bench-only",  # noqa: S106
        callback_url=url,
    )
    settings.KANNEL_HOST, settings.KANNEL_SENDSMS_PORT = setup.host, setup.sendsms_port
    settings.KANNEL_USER, settings.KANNEL_PASSWORD = setup.user, setup.password
    settings.KANNEL_CALLBACK_URL = url
    for alias in settings.DATABASES:
        settings.DATABASES[alias]["CONN_MAX_AGE"] = 60
    kannel = Kannel(setup)
    kannel.start()
    try:
        messages_enqueue(
            outgoing=[
                Outgoing(
                    idempotency_key=f"bench:sms:{n}",
                    channel=Channel.SMS,
                    address=f"09{n % 100_000_000:08d}",
                    body=(
                        f"Thông báo họp thôn lúc 8 giờ sáng Chủ nhật (#{n})"
                        if n % 3 == 0
                        else f"Thong bao hop thon luc 8 gio sang Chu nhat (#{n})"
                    ),
                    source="bench:sms",
                    purpose=Purpose.ANNOUNCEMENTS,
                )
                for n in range(MESSAGES)
            ],
            now=NOON,
        )
        cpu, wall = time.process_time(), time.perf_counter()
        counts = [0] * WORKERS
        workers = [threading.Thread(target=_worker, args=(counts, n)) for n in range(WORKERS)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        sent = sum(counts)
        taken = time.perf_counter() - wall
        received = kannel.wait_received(MESSAGES, timeout=120)
        at_smsc = time.perf_counter() - wall
        deadline = time.monotonic() + 120
        while _delivered() < MESSAGES and time.monotonic() < deadline:
            time.sleep(0.2)
        delivered_at = time.perf_counter() - wall
        cpu_used = time.process_time() - cpu
        delivered = _delivered()
    finally:
        kannel.stop()
        server.shutdown()
        server.server_close()
    print(f"  {'taken by Kannel (HTTP 202)':<40} {sent:>7,}  {sent / taken:8.1f} messages/s")
    print(
        f"  {'received by the fake SMSC':<40} {len(received):>7,}  "
        f"{len(received) / at_smsc:8.1f} messages/s   (goal ≥ 200)"
    )
    print(
        f"  {'delivered (report handled by the app)':<40} {delivered:>7,}  "
        f"{delivered / delivered_at:8.1f} messages/s"
    )
    print(f"  {'app CPU per message (send + report)':<40} {cpu_used / MESSAGES * 1000:8.2f} ms")
