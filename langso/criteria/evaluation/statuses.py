"""The statuses of an evaluation's results, and how the statuses of parts fold into the
status of the whole (an indicator's into its criterion's, the criteria's into the set's)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy


class Status(models.TextChoices):
    PASS = "pass", gettext_lazy("Đạt")
    FAIL = "fail", gettext_lazy("Chưa đạt")
    MISSING = "missing", gettext_lazy("Thiếu dữ liệu")
    NO_THRESHOLD = "no_threshold", gettext_lazy("Chưa có ngưỡng — tỉnh cần nhập")


# Results carry the statuses as plain strings: an evaluation of a province folds tens
# of thousands of them, and an enum member hashes in Python.
PASS, FAIL, MISSING, NO_THRESHOLD = (
    Status.PASS.value,
    Status.FAIL.value,
    Status.MISSING.value,
    Status.NO_THRESHOLD.value,
)
# A criterion or set takes the worst of its parts: a failure decides; a threshold the
# province has not entered comes next, since only the province can act on it.
RANK = {FAIL: 0, NO_THRESHOLD: 1, MISSING: 2, PASS: 3}
_WORST_FIRST = (FAIL, NO_THRESHOLD, MISSING)


def status_fold(statuses: Iterable[str]) -> str:
    """The worst of `statuses` (pass when there are none)."""
    seen = set(statuses)
    return next((status for status in _WORST_FIRST if status in seen), PASS)
