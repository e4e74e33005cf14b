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

from dataclasses import dataclass, field
from decimal import Decimal


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
