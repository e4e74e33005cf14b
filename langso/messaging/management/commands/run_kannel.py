"""Kannel beside the server (scripts/serve.sh): bearerbox, smsbox and the fake SMSC,
configured from settings under var/kannel, until stopped."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from langso.messaging.kannel import KannelSetup, kannel_run


class Command(BaseCommand):
    help = (
        "Chạy Kannel (bearerbox, smsbox và SMSC giả fakesmsc) để gửi SMS thử, theo cấu hình "
        "trong settings; tệp cấu hình, nhật ký và pid nằm trong var/kannel. Ctrl+C để dừng."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        setup = KannelSetup.from_settings()
        self.stdout.write(
            f"Kannel: sendsms http://{setup.host}:{setup.sendsms_port}/cgi-bin/sendsms, "
            f"cấu hình {setup.conf_path}"
        )
        kannel_run()
