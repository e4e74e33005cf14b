"""Writes of the recognition module, by subject: a dossier's steps (`dossiers`,
`appraisal`, with what they share in `steps`), its frozen snapshot (`snapshots`), the
e-mails each step sends (`notifications`), the consultation's comments (`comments`)
and the procedures' versions (`procedures`)."""
