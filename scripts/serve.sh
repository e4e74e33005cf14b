#!/usr/bin/env bash
# The embedded platform on this machine: installs what is missing, creates or migrates
# the SpatiaLite database in var/, loads the administrative units, the demo accounts
# (their logins are printed) and a synthetic demo province, then serves
# http://127.0.0.1:$PORT (default 8000) with a task worker and the messaging worker beside
# it. Ctrl+C stops them all.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

"$ROOT/scripts/install.sh"
cd "$ROOT"
export DJANGO_SETTINGS_MODULE=config.settings.local
PORT="${PORT:-8000}"
mkdir -p var

log "Migrating the database"
"$PY" manage.py migrate --noinput
log "Loading administrative units"
"$PY" manage.py load_units
log "Loading demo accounts"
"$PY" manage.py load_demo
log "Loading the shipped indicator definitions"
"$PY" manage.py load_indicator_definitions
# A synthetic Ninh Bình (villages, 5,000 households, co-ops, vessels...) for the map and
# the lists; skipped when the province already holds synthetic data.
log "Loading a synthetic demo province"
"$PY" manage.py synth --province 37 --size demo
# The synthetic load writes without domain events: the aggregates catch up from scratch.
"$PY" manage.py rebuild_household_aggregates
log "Publishing the shipped survey forms and a demo digital team"
"$PY" manage.py load_demo_surveys
log "Loading the NTM criteria sets and the demo province's own"
"$PY" manage.py load_demo_criteria
log "Loading the recognition procedures"
"$PY" manage.py load_procedures
# Three demo dossiers (in appraisal after a supplement round, recognised, recognised and
# now at risk) and the province's satisfaction threshold, a demo value; skipped for a
# commune that has its dossier already.
log "Loading the demo recognition dossiers"
"$PY" manage.py load_demo_recognition
# The Cao Bằng and TP.HCM plans, on the demo province's data (issue 17).
log "Loading the demo plans"
"$PY" manage.py load_demo_plans

# The worker gets its own process group, so that stopping it also stops the child
# process of its autoreloader.
log "Starting the task worker"
setsid "$PY" manage.py db_worker &
worker_pid=$!
# The messaging worker sends the outbox (issue 18); SIGTERM stops it after the message
# it is sending.
log "Starting the messaging worker"
setsid "$PY" manage.py messaging_worker &
messaging_pid=$!
stop_worker() {
  if [ -n "${worker_pid:-}" ]; then
    kill -TERM -- "-$worker_pid" 2>/dev/null || true
    wait "$worker_pid" 2>/dev/null || true
    worker_pid=""
  fi
  if [ -n "${messaging_pid:-}" ]; then
    kill -TERM -- "-$messaging_pid" 2>/dev/null || true
    wait "$messaging_pid" 2>/dev/null || true
    messaging_pid=""
  fi
}
trap stop_worker EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log "Serving http://127.0.0.1:$PORT/"
"$PY" manage.py runserver "127.0.0.1:$PORT"
