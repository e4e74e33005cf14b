#!/usr/bin/env bash
# The embedded platform on this machine: installs what is missing, creates or migrates
# the SpatiaLite database in var/, loads the administrative units, the demo accounts
# (their logins are printed) and a synthetic demo province, then serves
# http://127.0.0.1:$PORT (default 8000) with a task worker beside it. Ctrl+C stops both.
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
# Contacts with consent, a self-management group, a sent announcement and a draft in the
# demo commune's first village (issue 18); its SMS and e-mails go once the messaging
# worker below runs.
log "Loading the demo announcements"
"$PY" manage.py load_demo_announcements

# Each background process gets its own process group, so that stopping it also stops
# its children: the worker's autoreloader child, Kannel's three programs.
groups=()
stop_groups() {
  for pid in "${groups[@]}"; do
    kill -TERM -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  groups=()
}
trap stop_groups EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log "Starting the task worker"
setsid "$PY" manage.py db_worker &
groups+=("$!")

# The messaging worker sends the outbox (issue 18); SIGTERM stops it after the message
# it is sending.
log "Starting the messaging worker"
setsid "$PY" manage.py messaging_worker &
groups+=("$!")

# Kannel (issue 18): bearerbox, smsbox and Kannel's fake SMSC on loopback, configured
# from settings under var/kannel (kannel.conf, logs, pids, the store file), calling this
# server back for delivery reports and incoming SMS.
export KANNEL_CALLBACK_URL="${KANNEL_CALLBACK_URL:-http://127.0.0.1:$PORT}"
log "Starting Kannel with its fake SMSC"
setsid "$PY" manage.py run_kannel &
groups+=("$!")

log "Serving http://127.0.0.1:$PORT/"
"$PY" manage.py runserver "127.0.0.1:$PORT"
