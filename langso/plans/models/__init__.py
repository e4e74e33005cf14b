"""Plans (kế hoạch) with dated targets, and training records: one module per subject,
their models imported here for Django."""

from .targets import Plan, Target, TargetComparator, TargetKind, TargetMeasure

__all__ = ["Plan", "Target", "TargetComparator", "TargetKind", "TargetMeasure"]
