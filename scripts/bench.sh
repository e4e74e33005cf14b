#!/usr/bin/env bash
# Benchmarks that print figures: installs what is missing (PostGIS too when DATABASE_URL
# names it, and the benchmarks' own requirements/bench.txt), then runs the bench package.
# SpatiaLite by default; PostGIS with DATABASE_URL=postgis://user@host:5432/langso.
# Arguments go to `python -m bench`.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

install_args=()
case "${DATABASE_URL:-}" in
  postgis://*) install_args+=(--postgis) ;;
esac
"$ROOT/scripts/install.sh" "${install_args[@]}"
cd "$ROOT"

# Locust and its dependencies stay out of requirements/dev.txt: only `bench ingest`
# drives a server with it.
stamp="$VENV/.bench-requirements.sha256"
want="$(sha256sum requirements/bench.txt | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
  log "Installing the benchmarks' requirements (requirements/bench.txt)"
  "$PY" -m pip install --disable-pip-version-check -q -r requirements/bench.txt
  printf '%s\n' "$want" > "$stamp"
fi

export DJANGO_SETTINGS_MODULE=config.settings.test
exec "$PY" -m bench "$@"
