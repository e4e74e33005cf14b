"""Domain errors: services raise these; views and the API map them to responses in one place."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A rule of the domain was broken; the message is shown to the user."""

    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    status_code = 404


class AccessDenied(DomainError):
    """Refused for lack of scope. Callers that list objects answer NotFound instead, so that
    a refusal never reveals whether an object outside the user's scope exists."""

    status_code = 403


class FieldsInvalid(DomainError):
    """Bad values for one object: `errors` maps each field to its reason (in Vietnamese),
    so that a form can put each next to its field (`core.forms.ServiceErrorsMixin`) and
    the API can name each (`config/api.py`). The message joins the reasons, each after
    its field's `label` (a callable or a mapping; a field it does not know keeps its
    name), or alone without one."""

    def __init__(
        self,
        errors: Mapping[str, str],
        *,
        label: Callable[[str], str] | Mapping[str, str] | None = None,
    ) -> None:
        if label is None:
            message = "; ".join(errors.values())
        else:
            name = label if callable(label) else (lambda field: label.get(field, field))
            message = "; ".join(f"{name(field)}: {reason}" for field, reason in errors.items())
        super().__init__(message)
        self.errors = dict(errors)


@dataclass(frozen=True)
class RowError:
    """One bad cell of an imported file: 1-based row number as the spreadsheet shows it."""

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return str(_("Dòng %(row)s, cột “%(column)s”: %(reason)s")) % {
            "row": self.row,
            "column": self.column,
            "reason": self.reason,
        }


class ImportRejected(DomainError):
    """A file with any bad row is refused whole; every bad row is listed."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(
            str(_("Tệp bị từ chối: %(count)s lỗi, không có dòng nào được ghi."))
            % {"count": len(errors)}
        )
        self.errors = errors


class TooManyAttempts(DomainError):
    """Refused for a while after too many failed sign-ins or requests; `retry_after` is in
    seconds, for the Retry-After header and the message."""

    status_code = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class TimeLimitExceeded(DomainError):
    """Background work ran past the time its kind may take (`services.job_time_limit`)."""
