#!/usr/bin/env bash
# Benchmarks that print figures: installs what is missing, then runs the bench package.
# SpatiaLite by default; PostGIS with DATABASE_URL=postgis://user@host:5432/langso.
# Arguments go to `python -m bench`.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

"$ROOT/scripts/install.sh"
cd "$ROOT"
export DJANGO_SETTINGS_MODULE=config.settings.test
exec "$PY" -m bench "$@"
