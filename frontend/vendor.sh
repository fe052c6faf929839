#!/usr/bin/env bash
# Install the pinned front-end packages from npm and copy the built files into the package,
# so the web application needs no internet at run time. Run after changing package.json.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
dest=../src/xuncha/web/static/vendor
mkdir -p "$dest"
cp node_modules/htmx.org/dist/htmx.min.js "$dest/htmx.min.js"
cp node_modules/echarts/dist/echarts.min.js "$dest/echarts.min.js"
cp node_modules/echarts/LICENSE "$dest/echarts.LICENSE"
cp node_modules/htmx.org/LICENSE "$dest/htmx.LICENSE"
{
  echo "Vendored by frontend/vendor.sh from npm (see frontend/package-lock.json):"
  node -p "'htmx.org ' + require('./node_modules/htmx.org/package.json').version"
  node -p "'echarts ' + require('./node_modules/echarts/package.json').version"
} > "$dest/VERSIONS.txt"
