# shellcheck shell=bash
# Helpers shared by the scripts in this folder; source it, do not run it.
# Sets ROOT (the repository root), SUDO, VENV and PY.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Prints those of the given Debian packages that are not installed.
missing_debs() {
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' \
      || printf '%s\n' "$pkg"
  done
}

_APT_UPDATED=0
# Installs the given Debian packages that are missing; apt-get update only when needed.
apt_install() {
  local missing
  missing="$(missing_debs "$@")"
  [ -n "$missing" ] || return 0
  # shellcheck disable=SC2086  # word splitting of the package list is intended
  log "Installing Debian packages:" $missing
  if [ "$_APT_UPDATED" = 0 ]; then
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    _APT_UPDATED=1
  fi
  # shellcheck disable=SC2086
  $SUDO env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends $missing
}
