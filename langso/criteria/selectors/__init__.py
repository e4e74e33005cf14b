"""Reads of criteria, for pages and the API:

- `sets`: the sets in force for a province, a set's versions and its rows;
- `assessments`: the officers' findings on a unit and their evidence files;
- `catalogue`: what the catalogue pages show.

Evaluating units against a set is `criteria.evaluation`."""
