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

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from langso.accounts.roles import ROLE_LEVELS, Role
from langso.core.errors import ImportRejected, RowError
from langso.criteria.catalogue import (
    DEPTH,
    Errors,
    Lined,
    fact_status,
    first_of_each_code,
    lined_entries_read,
    number_of,
    plain,
    repeat_check,
    source_refs,
    text_of,
    unknown_keys,
)
from langso.criteria.models import Comparator
from langso.places.models import Level

from .models import Step


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

    def uploads_due(self, step: str) -> list[DocumentSpec]:
        """The required uploaded documents a dossier must hold before it leaves `step`:
        the step's own, and at submission the consultation's too — its summary of the
        comments can only be written once the consultation has closed, so it may be
        uploaded until the dossier is submitted."""
        steps = ["consultation", "submission"] if step == "submission" else [step]
        return [
            document
            for name in steps
            if name in self.steps
            for document in self.steps[name].documents
            if document.required and not document.generated
        ]


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


# --- Reading and validating a file --------------------------------------------------

# The steps a procedure describes, in order: the dossier's open steps (`models.Step`)
# and the revocation, which is a case of its own against a recognised unit.
REVOCATION = "revocation"
DESCRIBED_STEPS: tuple[str, ...] = (
    Step.SELF_ASSESSMENT,
    Step.CONSULTATION,
    Step.SUBMISSION,
    Step.APPRAISAL,
    Step.SUPPLEMENT,
    Step.DECISION,
    REVOCATION,
)
# Who acts where. The unit's own side (it assesses itself, consults, submits,
# supplements) is held on the recognised unit or its parent — a village's head or its
# commune's officers; the authority's side (appraisal, decision, revocation) strictly
# above the recognised unit — the province for a commune since July 2025, the commune
# or the province for a village. A central admin acts in no procedure.
UNIT_SIDE_STEPS = frozenset(
    {Step.SELF_ASSESSMENT, Step.CONSULTATION, Step.SUBMISSION, Step.SUPPLEMENT}
)
PROCEDURE_LEVELS = (Level.COMMUNE, Level.VILLAGE)

PROCEDURE_KEYS = (
    "code",
    "name_vi",
    "name_en",
    "legal_basis",
    "level",
    "sets",
    "status",
    "source",
    "note",
    "steps",
    "satisfaction",
)
STEP_KEYS = (
    "name_vi",
    "actor",
    "prepared_by",
    "deadline_working_days",
    "deadline_status",
    "public_days",
    "public_days_status",
    "documents",
    "status",
    "source",
    "note",
)
DOCUMENT_KEYS = (
    "code",
    "name_vi",
    "name_en",
    "required",
    "generated",
    "status",
    "source",
    "note",
)
SATISFACTION_KEYS = ("indicator", "comparator", "threshold", "status", "source", "note")
SATISFACTION_COMPARATORS = (Comparator.GTE, Comparator.GT)


def procedure_yaml_read(text: str | bytes) -> tuple[list[Lined], dict[str, str]]:
    """The procedures of a YAML file (`procedures:` with `sources:`, a list, or one
    procedure) and the file's source ids with their URLs or citations."""
    refusal = _("tệp cần một quy trình, một danh sách quy trình, hoặc “procedures:”")
    raw_procedures, sources = lined_entries_read(text, "procedures", refusal)
    if not raw_procedures:
        raise ImportRejected([RowError(1, "procedures", refusal)])
    return raw_procedures, sources


def procedures_validate(
    raw_procedures: Sequence[Lined],
    *,
    sources: Mapping[str, str],
    set_levels: Mapping[str, str],
    indicators: Collection[str],
) -> list[ProcedureSpec]:
    """Validate every procedure of a file. `set_levels` gives the level of each criteria
    set in force (national and the province's); `indicators` the known indicator
    codes. Raises `ImportRejected` listing every bad entry by line."""
    errors = Errors()
    specs: list[ProcedureSpec] = []
    repeated = _("mã quy trình “%(code)s” trùng với quy trình ở dòng %(line)s")
    for raw in first_of_each_code(raw_procedures, errors, repeated):
        spec = _procedure(raw, sources, set_levels, indicators, errors)
        if spec is not None:
            specs.append(spec)
    if errors.items:
        raise ImportRejected(errors.items)
    return specs


def procedure_validate(
    raw: Lined,
    *,
    sources: Mapping[str, str],
    set_levels: Mapping[str, str],
    indicators: Collection[str],
) -> ProcedureSpec:
    """One procedure, validated as `procedures_validate` does."""
    return procedures_validate(
        [raw], sources=sources, set_levels=set_levels, indicators=indicators
    )[0]


def procedure_stored_spec(raw: Lined, sources: Mapping[str, str]) -> dict[str, Any]:
    """What a `Procedure` stores of a validated entry: the entry as written (lines
    dropped), and the file's sources it cites, so a version reads whole on its own."""
    spec: dict[str, Any] = plain(raw)
    cited = set(_cited(spec))
    spec["sources"] = {k: v for k, v in sources.items() if k in cited}
    return spec


def _cited(value: Any) -> list[str]:
    if isinstance(value, Mapping):
        found = _sources(value.get("source"))
        return [*found, *(c for v in value.values() for c in _cited(v))]
    if isinstance(value, list):
        return [c for v in value for c in _cited(v)]
    return []


def _count_of(raw: Lined, key: str, errors: Errors) -> int | None:
    """A count of days: a non-negative whole number, or unknown."""
    value = raw.get(key, UNKNOWN)
    if value in (UNKNOWN, None):
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        errors.add(
            raw,
            key,
            _("“%(value)s” không phải số ngày (số nguyên không âm) hay unknown") % {"value": value},
        )
        return None
    return value


def _flag(raw: Lined, key: str, default: bool, errors: Errors) -> bool:
    value = raw.get(key, default)
    if not isinstance(value, bool):
        errors.add(raw, key, _("“%(key)s” là true hoặc false") % {"key": key})
        return default
    return value


def _refs(raw: Lined, sources: Mapping[str, str], errors: Errors) -> tuple[str, ...]:
    """The source ids (or URLs) a fact cites, each checked against `sources:`."""
    source_refs(raw, "source", sources, errors)
    return _sources(raw.get("source"))


def _role_fits(role: str, step: str, level: str) -> bool:
    depth = DEPTH[level]
    held = [DEPTH[held_level] for held_level in ROLE_LEVELS.get(role, ())]
    if step in UNIT_SIDE_STEPS:
        return any(d in (depth, depth - 1) for d in held)
    return any(d < depth for d in held)


def _role(raw: Lined, key: str, step: str, level: str, errors: Errors) -> str:
    role = text_of(raw.get(key))
    if role not in Role.values:
        errors.add(
            raw,
            key,
            _("vai trò “%(role)s” không có (một trong: %(roles)s)")
            % {"role": role, "roles": ", ".join(Role.values)},
        )
    elif level in DEPTH and not _role_fits(role, step, level):
        errors.add(
            raw,
            key,
            _("vai trò “%(role)s” không làm được bước “%(step)s” của quy trình cấp “%(level)s”")
            % {"role": role, "step": step, "level": level},
        )
    return role


def _procedure(
    raw: Lined,
    sources: Mapping[str, str],
    set_levels: Mapping[str, str],
    indicators: Collection[str],
    errors: Errors,
) -> ProcedureSpec | None:
    before = len(errors.items)
    unknown_keys(raw, PROCEDURE_KEYS, errors)
    code = text_of(raw.get("code"))
    if not code or len(code) > 64 or not code.replace("_", "").replace("-", "").isalnum():
        errors.add(raw, "code", _("mã phải gồm chữ, số, “-” hoặc “_”, tối đa 64 ký tự"))
    name_vi = text_of(raw.get("name_vi"))
    if not name_vi:
        errors.add(raw, "name_vi", _("thiếu tên tiếng Việt"))
    level = text_of(raw.get("level"))
    if level not in PROCEDURE_LEVELS:
        errors.add(
            raw,
            "level",
            _("cấp “%(level)s” không có (một trong: %(levels)s)")
            % {"level": level, "levels": ", ".join(PROCEDURE_LEVELS)},
        )
    set_codes = _set_codes(raw, level, set_levels, errors)
    steps = _steps(raw, level, sources, errors)
    satisfaction = _satisfaction(raw, set_codes, sources, indicators, errors)
    status = fact_status(raw, "status", errors)
    refs = _refs(raw, sources, errors)
    if len(errors.items) > before:
        return None
    return ProcedureSpec(
        code=code,
        name_vi=name_vi,
        name_en=text_of(raw.get("name_en")),
        legal_basis=text_of(raw.get("legal_basis")),
        level=level,
        set_codes=set_codes,
        steps=steps,
        satisfaction=satisfaction,
        status=status,
        sources=refs,
        note=text_of(raw.get("note")),
        source_texts=dict(sources),
    )


def _set_codes(
    raw: Lined, level: str, set_levels: Mapping[str, str], errors: Errors
) -> tuple[str, ...]:
    given = raw.get("sets")
    if not isinstance(given, list) or not given:
        errors.add(raw, "sets", _("cần danh sách mã bộ tiêu chí mà quy trình áp dụng"))
        return ()
    codes: list[str] = []
    for item in given:
        code = text_of(item)
        if code not in set_levels:
            errors.add(raw, "sets", _("bộ tiêu chí “%(code)s” không có") % {"code": code})
        elif level in PROCEDURE_LEVELS and set_levels[code] != level:
            errors.add(
                raw,
                "sets",
                _("bộ “%(code)s” áp dụng cho cấp “%(set_level)s”, không phải “%(level)s”")
                % {"code": code, "set_level": set_levels[code], "level": level},
            )
        elif code in codes:
            errors.add(raw, "sets", _("bộ “%(code)s” ghi hai lần") % {"code": code})
        else:
            codes.append(code)
    return tuple(codes)


def _steps(
    raw: Lined, level: str, sources: Mapping[str, str], errors: Errors
) -> dict[str, StepSpec]:
    given = raw.get("steps")
    if not isinstance(given, Mapping):
        errors.add(
            raw, "steps", _("cần các bước: %(steps)s") % {"steps": ", ".join(DESCRIBED_STEPS)}
        )
        return {}
    for name in given:
        if name not in DESCRIBED_STEPS:
            step_raw = given[name]
            where: Lined = step_raw if isinstance(step_raw, Lined) else raw
            errors.add(
                where,
                "steps",
                _("bước “%(step)s” không có (một trong: %(steps)s)")
                % {"step": name, "steps": ", ".join(DESCRIBED_STEPS)},
            )
    steps: dict[str, StepSpec] = {}
    document_lines: dict[str, int] = {}
    for name in DESCRIBED_STEPS:
        step_raw = given.get(name)
        if not isinstance(step_raw, Lined):
            errors.add(
                given if isinstance(given, Lined) else raw,
                "steps",
                _("thiếu bước “%(step)s”") % {"step": name},
            )
            continue
        spec = _step(step_raw, name, level, sources, document_lines, errors)
        steps[name] = spec
    return steps


def _step(
    raw: Lined,
    name: str,
    level: str,
    sources: Mapping[str, str],
    document_lines: dict[str, int],
    errors: Errors,
) -> StepSpec:
    unknown_keys(raw, STEP_KEYS, errors)
    actor = _role(raw, "actor", name, level, errors)
    prepared_by = ""
    if "prepared_by" in raw:
        prepared_by = _role(raw, "prepared_by", name, level, errors)
    if "public_days" in raw and name != Step.CONSULTATION:
        errors.add(raw, "public_days", _("chỉ bước lấy ý kiến công khai có số ngày niêm yết"))
    status = fact_status(raw, "status", errors)
    documents_raw = raw.get("documents") or []
    if not isinstance(documents_raw, list):
        errors.add(raw, "documents", _("cần một danh sách hồ sơ, giấy tờ"))
        documents_raw = []
    documents = []
    for document in documents_raw:
        if not isinstance(document, Lined):
            errors.add(raw, "documents", _("mỗi giấy tờ là một khối khoá: giá trị"))
            continue
        documents.append(_document(document, sources, document_lines, errors))
    return StepSpec(
        step=name,
        actor=actor,
        prepared_by=prepared_by,
        name_vi=text_of(raw.get("name_vi")),
        deadline_working_days=_count_of(raw, "deadline_working_days", errors),
        deadline_status=fact_status(raw, "deadline_status", errors, default=status),
        public_days=_count_of(raw, "public_days", errors),
        public_days_status=fact_status(raw, "public_days_status", errors, default=status),
        documents=tuple(documents),
        status=status,
        sources=_refs(raw, sources, errors),
        note=text_of(raw.get("note")),
    )


def _document(
    raw: Lined, sources: Mapping[str, str], lines: dict[str, int], errors: Errors
) -> DocumentSpec:
    unknown_keys(raw, DOCUMENT_KEYS, errors)
    code = text_of(raw.get("code"))
    if not code or len(code) > 64 or not code.replace("_", "").isalnum():
        errors.add(raw, "code", _("mã giấy tờ gồm chữ, số hoặc “_”, tối đa 64 ký tự"))
    else:
        repeated = _("giấy tờ “%(code)s” trùng với giấy tờ ở dòng %(line)s")
        repeat_check(raw, code, lines, errors, repeated)
    name_vi = text_of(raw.get("name_vi"))
    if not name_vi:
        errors.add(raw, "name_vi", _("thiếu tên giấy tờ"))
    return DocumentSpec(
        code=code,
        name_vi=name_vi,
        name_en=text_of(raw.get("name_en")),
        required=_flag(raw, "required", True, errors),
        generated=_flag(raw, "generated", False, errors),
        status=fact_status(raw, "status", errors),
        sources=_refs(raw, sources, errors),
        note=text_of(raw.get("note")),
    )


def _satisfaction(
    raw: Lined,
    set_codes: tuple[str, ...],
    sources: Mapping[str, str],
    indicators: Collection[str],
    errors: Errors,
) -> dict[str, SatisfactionSpec]:
    given = raw.get("satisfaction") or {}
    if not isinstance(given, Mapping):
        errors.add(raw, "satisfaction", _("cần ngưỡng hài lòng theo từng mã bộ tiêu chí"))
        return {}
    found: dict[str, SatisfactionSpec] = {}
    for set_code, item in given.items():
        if not isinstance(item, Lined):
            errors.add(raw, "satisfaction", _("mỗi bộ tiêu chí là một khối khoá: giá trị"))
            continue
        if set_code not in set_codes:
            errors.add(
                item,
                "satisfaction",
                _("bộ “%(code)s” không nằm trong “sets” của quy trình") % {"code": set_code},
            )
        unknown_keys(item, SATISFACTION_KEYS, errors)
        indicator = text_of(item.get("indicator"))
        if indicator not in indicators:
            errors.add(
                item,
                "indicator",
                _("chỉ số “%(code)s” không có trong danh mục chỉ số") % {"code": indicator},
            )
        comparator = text_of(item.get("comparator") or Comparator.GTE)
        if comparator not in SATISFACTION_COMPARATORS:
            errors.add(
                item,
                "comparator",
                _("phép so sánh “%(value)s” không có (một trong: %(values)s)")
                % {"value": comparator, "values": ", ".join(SATISFACTION_COMPARATORS)},
            )
        threshold = _share(item, errors)
        found[str(set_code)] = SatisfactionSpec(
            set_code=str(set_code),
            indicator=indicator,
            comparator=comparator,
            threshold=threshold,
            status=fact_status(item, "status", errors),
            sources=_refs(item, sources, errors),
            note=text_of(item.get("note")),
        )
    return found


def _share(raw: Lined, errors: Errors) -> Decimal | None:
    """A satisfaction threshold: a percentage from 0 to 100, or unknown."""
    value = raw.get("threshold", UNKNOWN)
    if value in (UNKNOWN, None):
        return None
    number = number_of(value)
    if number is None or not 0 <= number <= 100:
        errors.add(
            raw,
            "threshold",
            _("ngưỡng “%(value)s” phải là tỉ lệ phần trăm từ 0 đến 100, hoặc unknown")
            % {"value": value},
        )
        return None
    return number
