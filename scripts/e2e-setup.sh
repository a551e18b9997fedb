#!/usr/bin/env bash
# Installs tests/e2e/node_modules (playwright-core, pinned in package-lock.json)
# for the browser test (tests/test_browser.c). Idempotent: runs `npm ci` only
# when node_modules is missing or older than the lock file. playwright-core
# downloads no browser; the test drives Debian's /usr/bin/chromium
# (`scripts/install-deps.sh browser` installs it, with node and npm).
# playwright-core stays at 1.61.1, the last release that runs on Node 18,
# Debian 12's own nodejs (1.62 and later refuse Node < 20); it drives
# Debian's Chromium (156 when this was pinned) over CDP. Before moving it,
# check `npm view playwright-core@VERSION engines` against Debian's node; for
# accessibility checks, @axe-core/playwright 4.13.0 fits (4.14 needs Node 22).
set -euo pipefail
cd "$(dirname "$0")/.."

dir=tests/e2e
if [ ! -x /usr/bin/chromium ] || ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "e2e-setup: /usr/bin/chromium, node or npm is missing; the browser test cannot run" \
       "(install them with scripts/install-deps.sh browser)"
  exit 0
fi

stamp=$dir/node_modules/.package-lock.json # npm writes it on every install
if [ -d "$dir/node_modules/playwright-core" ] && [ -f "$stamp" ] && [ ! "$dir/package-lock.json" -nt "$stamp" ]; then
  exit 0
fi
echo "e2e-setup: npm ci in $dir" >&2
npm ci --no-audit --no-fund --loglevel=error --prefix "$dir"
touch "$stamp"
