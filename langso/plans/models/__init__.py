"""Plans (kế hoạch) with dated targets, and training records: one module per subject,
their models imported here for Django."""

from .training import Attendance, Audience, Course, ResidentAttendance, Session

__all__ = ["Attendance", "Audience", "Course", "ResidentAttendance", "Session"]
