"""Pages of `plans`, one module per subject."""
