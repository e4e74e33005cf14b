"""The criteria evaluation engine: units against a criteria set for a year — each
indicator's value, threshold, status and gap, each criterion's status, the set's — with
the figures and definition versions it used.

- `statuses`: the statuses a result can take, and how parts fold into a whole;
- `results`: what an evaluation returns (indicator, criterion and unit results);
- `scoring`: one indicator at one unit — the threshold that applies, met or not, the gap;
- `units`: the units an evaluation reads (without their shapes) and the sub-units a
  composite counts;
- `classification`: the region or commune group whose thresholds apply to a unit;
- `engine`: the evaluator, and `evaluate` / `evaluate_statuses` / `evaluate_part_statuses`
  (one criterion or criterion indicator of a set alone);
- `matrix`: every commune of a province against a set, with the tiers' counts.

The database reads that pages and the API make around an evaluation (the sets in force,
their rows, the officers' findings) are in `criteria.selectors`.
"""
