"""Synthetic provinces on the real unit table (`manage.py synth`): villages, households
with readiness figures, cooperatives and products, fishing vessels, aquaculture farms,
tourism sites, wifi points and cameras, the same rows for the same seed.

What is synthetic, and how it is found again (`synth_remove`):
- villages carry the unit source ("synth", <seed>) and codes "<commune code>-S<nn>";
- their households have `<group>_source = synthetic` for every field group;
- the other registries' codes start with "SYN-".

Where rows go (commune polygons, coastal communes) is `cells`; a province as the
generator reads it, `provinces`; villages, households and the other registries have a
module each; `run` holds the entry points, which this package exports.

Address codes come from each commune's sequence (`address_codes.allocate`, one call per
commune): the same seed gives the same codes from the same database state (a fresh
database, say). After `--replace` the sequences carry on, and codes differ: a code is
never given twice.

No domain events and no audit entries: a synthetic load is nobody's change to a
registry. Indicators catch up through their full rebuild (`manage.py
rebuild_household_aggregates`), not through 1.5 million per-row `HouseholdsChanged`
deltas.

Random numbers come from one numpy generator per (seed, commune code, stream), so that a
commune's rows do not depend on which other communes or provinces were generated with
it, and its villages do not change when only the number of households does. Memory
stays flat: households are generated and written `CHUNK` at a time.
"""

from .base import DEFAULT_SEED, SIZES, SYNTH_SOURCE, SynthCounts, thousands
from .run import SynthReport, synth_province, synth_remove, synth_run

__all__ = [
    "DEFAULT_SEED",
    "SIZES",
    "SYNTH_SOURCE",
    "SynthCounts",
    "SynthReport",
    "synth_province",
    "synth_remove",
    "synth_run",
    "thousands",
]
