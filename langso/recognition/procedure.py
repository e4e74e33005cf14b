"""The recognition procedure as written — the shipped `procedure.yaml`, or a province's
variant — read into `ProcedureSpec`. Everything a procedure may say is checked here, and
every refusal names the line and the reason; a file with any bad entry is refused whole.

The steps are the platform's (`models.Step`); what a procedure says of each is data:

    code: cong_nhan_xa_18_2022
    name_vi: "Xét, công nhận xã đạt chuẩn nông thôn mới"
    legal_basis: "18/2022/QĐ-TTg; 131/2025/NĐ-CP"
    level: commune                # the level of the units it recognises
    sets: [xa_ntm_2021_2025, xa_ntm_nang_cao_2021_2025, ...]
    status: verified              # verified, secondary, inferred, unknown, provincial
    source: [s18-art5-tvpl]       # ids of `sources:` in the file, or URLs
    steps:
      self_assessment:
        actor: commune_officer    # a role of accounts.roles.Role
        deadline_working_days: unknown    # a number, or unknown
        status: verified
        source: [...]
        documents:                # what the step requires before it may be left
          - {code: bao_cao_tu_danh_gia, name_vi: "...", required: true,
             generated: true, status: verified, source: [...]}
      consultation:
        actor: commune_officer
        public_days: 15           # days the results stay posted for comments
        ...
      submission:  {actor: commune_leader, prepared_by: commune_officer, ...}
      appraisal:   {actor: province_appraiser, deadline_working_days: 15, ...}
      supplement:  {actor: commune_leader, prepared_by: commune_officer, ...}
      decision:    {actor: province_leader, ...}
      revocation:  {actor: province_leader, ...}
    satisfaction:                 # per set: the indicator and its threshold
      xa_ntm_2021_2025: {indicator: resident-satisfaction-ntm, comparator: gte,
                         threshold: unknown, status: unknown, source: [...]}

A value the texts do not let us read is `unknown`; it is never guessed. A dossier
cannot pass a step whose needed value is unknown until the province enters it, which
makes the province's variant (the next version, `services.procedure_threshold_set`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class DocumentSpec:
    """A document a step requires (or accepts): `generated` ones the platform writes
    (the self-assessment report), the others are uploaded."""

    code: str
    name_vi: str
    name_en: str = ""
    required: bool = True
    generated: bool = False
    status: str = "unknown"
    sources: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class StepSpec:
    """What a procedure says of one step: the role that moves the dossier out of it
    (`actor`), the role that prepares it meanwhile (`prepared_by`, uploads and
    answers; the actor where absent), its limit in working days (None: unknown or
    none), and for the consultation the days the results stay posted."""

    step: str
    actor: str
    prepared_by: str = ""
    name_vi: str = ""
    deadline_working_days: int | None = None
    deadline_status: str = "unknown"
    public_days: int | None = None
    public_days_status: str = "unknown"
    documents: tuple[DocumentSpec, ...] = ()
    status: str = "unknown"
    sources: tuple[str, ...] = ()
    note: str = ""

    @property
    def preparer(self) -> str:
        return self.prepared_by or self.actor


@dataclass(frozen=True)
class SatisfactionSpec:
    """The residents' satisfaction a dossier for `set_code` must reach: the indicator
    that carries it and the threshold (None: unknown, the province must enter it)."""

    set_code: str
    indicator: str
    comparator: str = "gte"
    threshold: Decimal | None = None
    status: str = "unknown"
    sources: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class ProcedureSpec:
    code: str
    name_vi: str
    level: str
    set_codes: tuple[str, ...]
    steps: dict[str, StepSpec]
    satisfaction: dict[str, SatisfactionSpec]
    name_en: str = ""
    legal_basis: str = ""
    status: str = "unknown"
    sources: tuple[str, ...] = ()
    note: str = ""
    # The source ids of the file, to their URLs or citations.
    source_texts: dict[str, str] = field(default_factory=dict)

    def step(self, step: str) -> StepSpec:
        return self.steps[step]


UNKNOWN = "unknown"


def _count(value: Any) -> int | None:
    return None if value in (None, UNKNOWN, "") else int(value)


def _threshold(value: Any) -> Decimal | None:
    return None if value in (None, UNKNOWN, "") else Decimal(str(value))


def _sources(value: Any) -> tuple[str, ...]:
    if value in (None, ""):
        return ()
    return tuple(str(item) for item in (value if isinstance(value, list | tuple) else [value]))


def procedure_spec_from_stored(spec: Mapping[str, Any]) -> ProcedureSpec:
    """The spec of a stored `Procedure` (its `spec`, the mapping as written, which was
    validated before it was stored) as `ProcedureSpec`."""
    steps: dict[str, StepSpec] = {}
    for step, raw in (spec.get("steps") or {}).items():
        documents = tuple(
            DocumentSpec(
                code=str(doc["code"]),
                name_vi=str(doc.get("name_vi", "")),
                name_en=str(doc.get("name_en", "")),
                required=bool(doc.get("required", True)),
                generated=bool(doc.get("generated", False)),
                status=str(doc.get("status", UNKNOWN)),
                sources=_sources(doc.get("source")),
                note=str(doc.get("note", "")),
            )
            for doc in raw.get("documents") or ()
        )
        steps[str(step)] = StepSpec(
            step=str(step),
            actor=str(raw["actor"]),
            prepared_by=str(raw.get("prepared_by", "")),
            name_vi=str(raw.get("name_vi", "")),
            deadline_working_days=_count(raw.get("deadline_working_days")),
            deadline_status=str(raw.get("deadline_status", raw.get("status", UNKNOWN))),
            public_days=_count(raw.get("public_days")),
            public_days_status=str(raw.get("public_days_status", raw.get("status", UNKNOWN))),
            documents=documents,
            status=str(raw.get("status", UNKNOWN)),
            sources=_sources(raw.get("source")),
            note=str(raw.get("note", "")),
        )
    satisfaction = {
        str(set_code): SatisfactionSpec(
            set_code=str(set_code),
            indicator=str(raw["indicator"]),
            comparator=str(raw.get("comparator", "gte")),
            threshold=_threshold(raw.get("threshold")),
            status=str(raw.get("status", UNKNOWN)),
            sources=_sources(raw.get("source")),
            note=str(raw.get("note", "")),
        )
        for set_code, raw in (spec.get("satisfaction") or {}).items()
    }
    return ProcedureSpec(
        code=str(spec["code"]),
        name_vi=str(spec.get("name_vi", "")),
        name_en=str(spec.get("name_en", "")),
        legal_basis=str(spec.get("legal_basis", "")),
        level=str(spec["level"]),
        set_codes=tuple(str(code) for code in spec.get("sets") or ()),
        steps=steps,
        satisfaction=satisfaction,
        status=str(spec.get("status", UNKNOWN)),
        sources=_sources(spec.get("source")),
        note=str(spec.get("note", "")),
        source_texts={str(k): str(v) for k, v in (spec.get("sources") or {}).items()},
    )
