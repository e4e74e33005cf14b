#!/usr/bin/env bash
# Installs what is missing, and only that: Debian packages, the virtualenv in .venv/
# (from Debian's /usr/bin/python3, whose sqlite3 can load SpatiaLite), the Python
# requirements, the npm packages and the compiled translations. Safe to run again.
#
#   scripts/install.sh [--browser] [--postgis]
#     --browser   also Chromium and ChromeDriver (browser tests)
#     --postgis   also PostgreSQL 15 with PostGIS 3
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

with_browser=0
with_postgis=0
for arg in "$@"; do
  case "$arg" in
    --browser) with_browser=1 ;;
    --postgis) with_postgis=1 ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option: $arg" ;;
  esac
done

# --- Debian packages -----------------------------------------------------------
debs=(python3-venv libsqlite3-mod-spatialite gdal-bin libgdal32 libgeos-c1v5 libproj25 gettext)
# WeasyPrint draws PDFs with Pango; the reports embed DejaVu (it has Vietnamese's
# diacritics); the tests read the PDFs back with poppler's pdftotext.
debs+=(libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core poppler-utils)
# Loudspeaker notices (issue 18): espeak-ng reads Vietnamese, lame and oggenc
# (vorbis-tools) encode MP3 and Ogg; the tests read the duration back with sox.
debs+=(espeak-ng sox libsox-fmt-mp3 lame vorbis-tools)
# Node.js and npm are usually there already (not always from Debian): check the commands.
# SMS (issue 18): Kannel's bearerbox and smsbox, and its fake SMSC (fakesmsc) for the
# tests, the bench and the demo.
debs+=(kannel kannel-extras)
command -v node >/dev/null 2>&1 || debs+=(nodejs)
command -v npm >/dev/null 2>&1 || debs+=(npm)
# ODK Validate (bundled with pyxform) runs on Java 8 or later.
command -v java >/dev/null 2>&1 || debs+=(default-jre-headless)
[ "$with_browser" = 0 ] || debs+=(chromium chromium-driver)
[ "$with_postgis" = 0 ] || debs+=(postgresql-15-postgis-3)
apt_install "${debs[@]}"

# --- Python virtualenv ----------------------------------------------------------
# The venv must come from /usr/bin/python3: another python3 first on PATH (pyenv) may
# have a sqlite3 that cannot load extensions, which SpatiaLite needs.
if [ -x "$PY" ] && grep -qx 'home = /usr/bin' "$VENV/pyvenv.cfg" 2>/dev/null \
   && "$PY" -c 'import sqlite3; sqlite3.connect(":memory:").enable_load_extension(True)' 2>/dev/null; then
  :
else
  if [ -e "$VENV" ]; then
    log "Rebuilding $VENV from /usr/bin/python3"
    rm -rf "$VENV"
  else
    log "Creating $VENV from /usr/bin/python3"
  fi
  /usr/bin/python3 -m venv "$VENV"
  "$PY" -m pip install --disable-pip-version-check -q --upgrade pip
fi

stamp="$VENV/.requirements.sha256"
want="$(cat requirements/*.txt | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
  log "Installing Python requirements (requirements/dev.txt)"
  "$PY" -m pip install --disable-pip-version-check -q -r requirements/dev.txt
  printf '%s\n' "$want" > "$stamp"
fi

# --- npm packages (package-lock.json) ------------------------------------------
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
  log "Installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  touch node_modules
fi

# --- Translations -----------------------------------------------------------------
# Compile only when a .po file is newer than its .mo (the .mo files are not committed).
stale_po=0
while IFS= read -r -d '' po; do
  mo="${po%.po}.mo"
  if [ ! -f "$mo" ] || [ "$po" -nt "$mo" ]; then stale_po=1; break; fi
done < <(find locale langso -name '*.po' -path '*/LC_MESSAGES/*' -print0 2>/dev/null)
if [ "$stale_po" = 1 ]; then
  log "Compiling translations"
  "$PY" manage.py compilemessages -v 0 \
    --ignore=.venv --ignore=node_modules --ignore=var --ignore=staticfiles --ignore=.git
fi
