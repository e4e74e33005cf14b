"""`manage.py messaging_worker`: `--once` makes one round; as `scripts/serve.sh` runs it,
a real process sends what is queued and ends cleanly on SIGTERM."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from langso.core.testing import manage, scratch_database
from langso.messaging.models import Channel, Message, MessageStatus
from langso.messaging.services.outbox import messages_enqueue
from langso.messaging.testing import adapter_missing, make_contact, outgoing_to
from langso.places.models import AdminUnit


def test_once_sends_one_round_and_says_what_it_did(village: AdminUnit) -> None:
    contact = make_contact(unit=village, channel=Channel.INAPP, address="household:7")
    messages_enqueue(outgoing=[outgoing_to(contact, f"tb:{n}") for n in range(4)])
    out = io.StringIO()
    call_command("messaging_worker", "--once", "--channel", Channel.INAPP, stdout=out)
    assert out.getvalue().strip() == "sent=4 retried=0 dead=0 released=0"
    assert set(Message.objects.values_list("status", flat=True)) == {MessageStatus.DELIVERED}


ENQUEUE = """
from langso.messaging.services.outbox import messages_enqueue
from langso.messaging.testing import make_contact, outgoing_to
from langso.places.testing import make_unit_tree
tree = make_unit_tree(communes=1, villages_per_commune=1)
village = tree.villages_of(tree.communes[0])[0]
contact = make_contact(unit=village, channel="inapp", address="household:7")
messages_enqueue(outgoing=[outgoing_to(contact, f"tb:{n}") for n in range(30)])
"""
COUNT = """
from langso.messaging.models import Message
print(Message.objects.filter(status="delivered").count())
"""


def test_the_worker_process_sends_then_stops_on_sigterm(tmp_path: Path) -> None:
    """Started as serve.sh starts it, the worker delivers the 30 queued in-app
    messages, sleeps when idle, and exits 0 soon after SIGTERM with what it did."""
    with scratch_database("messaging", tmp_path) as database_url:
        env = {
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DATABASE_URL": database_url,
            "DJANGO_DEBUG": "false",
        }
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "shell", "-c", ENQUEUE)
        worker = subprocess.Popen(  # our own manage.py
            [sys.executable, "manage.py", "messaging_worker"],
            cwd=settings.BASE_DIR,
            env=os.environ | env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if manage(env, "shell", "-c", COUNT).strip().splitlines()[-1] == "30":
                    break
            worker.send_signal(signal.SIGTERM)
            out, err = worker.communicate(timeout=15)
        finally:
            if worker.poll() is None:
                worker.kill()
    assert worker.returncode == 0, err[-2000:]
    assert out.strip() == "sent=30 retried=0 dead=0 released=0"


def test_a_channel_without_adapter_is_refused_by_name(db: None) -> None:
    with (
        adapter_missing(Channel.LOUDSPEAKER),
        pytest.raises(CommandError, match="Chưa có cách gửi qua kênh “Loa truyền thanh”"),
    ):
        call_command("messaging_worker", "--once", "--channel", Channel.LOUDSPEAKER)
