"""Background work of `plans`, one module per subject."""
