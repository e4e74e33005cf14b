"""Forms of `plans`, one module per subject."""
