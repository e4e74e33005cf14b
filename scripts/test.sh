#!/usr/bin/env bash
# The whole test suite: installs what is missing (Chromium and ChromeDriver included),
# then runs pytest from the repository root. Arguments go to pytest.
# SpatiaLite by default; PostGIS with DATABASE_URL=postgis://user@host:5432/langso.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

"$ROOT/scripts/install.sh" --browser
cd "$ROOT"
export DJANGO_SETTINGS_MODULE=config.settings.test
exec "$PY" -m pytest "$@"
