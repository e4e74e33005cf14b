"""Plans (kế hoạch) with dated targets, and training records: one module per subject,
their models imported here for Django."""
