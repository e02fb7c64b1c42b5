#!/usr/bin/env bash
# Debian packages the tests need: chromium (browser tests, driven by Playwright; Playwright's
# own browser download does not work here), poppler-utils (pdftotext reads PDFs back) and
# WeasyPrint's Pango and HarfBuzz subsetter, gettext (makemessages: the test that the English
# catalogue is complete); caddy and redis-server for scripts/rehearse_production (the compose
# services' commands run on this machine, behind deploy/Caddyfile).
# Installs only what is missing; needs root or sudo the first time.
set -euo pipefail
need=()
command -v chromium >/dev/null || need+=(chromium)
command -v pdftotext >/dev/null || need+=(poppler-utils)
command -v msgmerge >/dev/null || need+=(gettext)
ldconfig -p 2>/dev/null | grep -q libpango-1.0 || need+=(libpango-1.0-0 libpangoft2-1.0-0)
ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset || need+=(libharfbuzz-subset0)
command -v caddy >/dev/null || need+=(caddy)
command -v redis-server >/dev/null || need+=(redis-server)
# Fonts with Vietnamese glyphs for chromium (screenshots look the same on every machine).
fc-list 2>/dev/null | grep -qi "DejaVu Sans" || need+=(fonts-dejavu-core)
[ ${#need[@]} -eq 0 ] && exit 0
echo "Cài gói Debian: ${need[*]}" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# Debian's caddy package enables a caddy.service on port 80 where systemd runs: the rehearsal
# starts its own Caddy, so that one is stopped and disabled.
if [[ " ${need[*]} " == *" caddy "* ]] && command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
  $SUDO systemctl disable --now caddy >/dev/null 2>&1 || true
fi
