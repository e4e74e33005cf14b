"""Reads behind the dossier's documents: the snapshot a report is printed from, for a
signed-in reader within scope or for anyone holding its hash, and whether its stored
content still has that hash."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from langso.core.actors import Actor
from langso.core.errors import NotFound

from ..models import AppraisalRound, Decision, Snapshot
from .dossier_page import dossier_get_for_user
from .dossiers import content_sha256


def report_snapshot_for_user(
    *, user: Actor, dossier_pk: int, number: int | None = None
) -> Snapshot:
    """The snapshot of a dossier in the reader's scope that its self-assessment report
    prints: the latest, or the one numbered `number`."""
    dossier = dossier_get_for_user(user=user, pk=dossier_pk)
    snapshots = Snapshot.objects.filter(dossier=dossier).order_by("-number")
    if number is not None:
        snapshots = snapshots.filter(number=number)
    snapshot = snapshots.first()
    if snapshot is None:
        raise NotFound(_("Hồ sơ chưa có bản chốt tự đánh giá này."))
    return snapshot


def appraisal_round_for_user(*, user: Actor, dossier_pk: int, number: int) -> AppraisalRound:
    """An appraisal round of a dossier in the reader's scope, with what its report
    prints (the snapshot it appraised, its findings and field visits)."""
    dossier = dossier_get_for_user(user=user, pk=dossier_pk)
    found = (
        AppraisalRound.objects.filter(dossier=dossier, number=number)
        .select_related("snapshot", "closed_by")
        .prefetch_related("findings", "visits")
        .first()
    )
    if found is None:
        raise NotFound(_("Hồ sơ chưa có vòng thẩm định này."))
    return found


def snapshot_get_by_hash(*, sha256: str) -> Snapshot:
    """The snapshot with this SHA-256, for anyone: the hash is printed on its reports."""
    snapshot = Snapshot.objects.filter(sha256=sha256.lower()).first()
    if snapshot is None:
        raise NotFound(_("Không có bản chốt tự đánh giá nào có mã băm này."))
    return snapshot


@dataclass(frozen=True)
class Verification:
    """A snapshot as the public verification page shows it."""

    snapshot: Snapshot
    # Whether the stored content still hashes to the snapshot's SHA-256.
    matches: bool
    # The dossier's decisions, each with the hash of its signed PDF (compared with
    # nothing: shown so that a reader can check a copy they hold).
    decisions: list[Decision]


def snapshot_verification(*, sha256: str) -> Verification:
    snapshot = snapshot_get_by_hash(sha256=sha256)
    return Verification(
        snapshot=snapshot,
        matches=content_sha256(snapshot.content) == snapshot.sha256,
        decisions=list(
            Decision.objects.filter(dossier_id=snapshot.dossier_id).order_by("signed_on", "pk")
        ),
    )
