#!/usr/bin/env bash
# Refreshes the front-end assets the portal serves itself (no CDN: government intranets are
# often offline). Run by hand when upgrading; the copied files are committed under
# static/vendor/, so neither setup nor CI needs npm. Versions are pinned here.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
( cd "$tmp" && npm pack --silent bootstrap@5.3.9 htmx.org@2.0.11 chart.js@4.6.1 bootstrap-icons@1.13.2 tom-select@2.6.2 >/dev/null
  for f in *.tgz; do mkdir -p "${f%.tgz}"; tar xzf "$f" -C "${f%.tgz}"; done )
dst=static/vendor
rm -rf "$dst" && mkdir -p "$dst"/bootstrap "$dst"/htmx "$dst"/chartjs "$dst"/bootstrap-icons/fonts "$dst"/tom-select
cp "$tmp"/bootstrap-5.3.9/package/dist/css/bootstrap.min.css "$tmp"/bootstrap-5.3.9/package/dist/js/bootstrap.bundle.min.js "$dst"/bootstrap/
cp "$tmp"/bootstrap-5.3.9/package/LICENSE "$dst"/bootstrap/LICENSE
cp "$tmp"/htmx.org-2.0.11/package/dist/htmx.min.js "$dst"/htmx/
cp "$tmp"/htmx.org-2.0.11/package/LICENSE "$dst"/htmx/LICENSE
cp "$tmp"/chart.js-4.6.1/package/dist/chart.umd.min.js "$dst"/chartjs/
cp "$tmp"/chart.js-4.6.1/package/LICENSE.md "$dst"/chartjs/LICENSE.md
cp "$tmp"/bootstrap-icons-1.13.2/package/font/bootstrap-icons.min.css "$dst"/bootstrap-icons/
cp "$tmp"/bootstrap-icons-1.13.2/package/font/fonts/bootstrap-icons.woff2 "$tmp"/bootstrap-icons-1.13.2/package/font/fonts/bootstrap-icons.woff "$dst"/bootstrap-icons/fonts/
cp "$tmp"/bootstrap-icons-1.13.2/package/LICENSE "$dst"/bootstrap-icons/LICENSE
cp "$tmp"/tom-select-2.6.2/package/dist/js/tom-select.complete.min.js "$tmp"/tom-select-2.6.2/package/dist/css/tom-select.bootstrap5.min.css "$dst"/tom-select/
cp "$tmp"/tom-select-2.6.2/package/LICENSE "$dst"/tom-select/LICENSE
# Source maps are not shipped; drop their references so ManifestStaticFilesStorage finds every file.
sed -i "/sourceMappingURL=/d" "$dst"/*/*.js "$dst"/*/*.css
echo "vendored into $dst:"; find "$dst" -type f | sort
