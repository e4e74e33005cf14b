"""Publish the survey forms Làng Số ships (the household digital-readiness survey)
nationwide, in the name of a central admin. Rerunning changes nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from langso.accounts.selectors import user_get_by_username
from langso.core.errors import DomainError
from langso.surveys.services.forms import shipped_forms_publish


class Command(BaseCommand):
    help = "Đăng các biểu mẫu khảo sát có sẵn của Làng Số cho toàn quốc."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as", dest="username", required=True, help="tên đăng nhập của quản trị trung ương"
        )

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        actor = user_get_by_username(username=username)
        if actor is None:
            raise CommandError(f"Không có người dùng “{username}”.")
        try:
            published = shipped_forms_publish(actor=actor)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        for version in published:
            self.stdout.write(f"Đã đăng {version.form.xml_form_id} phiên bản {version.version}")
        if not published:
            self.stdout.write("Các biểu mẫu có sẵn đã được đăng từ trước.")
