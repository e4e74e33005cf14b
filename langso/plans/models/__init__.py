"""Plans (kế hoạch) with dated targets, and training records: one module per subject,
their models imported here for Django."""

from .targets import Plan, Target, TargetComparator, TargetKind, TargetMeasure
from .training import Attendance, Audience, Course, ResidentAttendance, Session

__all__ = [
    "Attendance",
    "Audience",
    "Course",
    "Plan",
    "ResidentAttendance",
    "Session",
    "Target",
    "TargetComparator",
    "TargetKind",
    "TargetMeasure",
]
