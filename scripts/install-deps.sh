#!/usr/bin/env bash
# Installs the Debian 12 packages the project builds, tests and runs with.
# Harmless when everything is present: it asks apt only for what dpkg lacks.
set -euo pipefail

packages=(
  build-essential pkg-config
  libmicrohttpd-dev libpq-dev libjansson-dev libxlsxwriter-dev
  libcriterion-dev libgsl-dev libsodium-dev libcurl4-openssl-dev
  postgresql-15
)
# Optional groups, asked for by name: `install-deps.sh test` adds what the
# report, browser and fuzz tests need.
for group in "$@"; do
  case "$group" in
    # The report tests open the workbook with real readers: LibreOffice
    # (to PDF) and openpyxl (Debian's python3, /usr/bin/python3).
    # The mail tests send to a real SMTP server on loopback (aiosmtpd) over
    # STARTTLS with a throwaway certificate (openssl).
    test) packages+=(libreoffice-calc-nogui python3-openpyxl poppler-utils python3-aiosmtpd openssl) ;;
    browser)
      packages+=(chromium)
      # The machine's own node/npm when present: NodeSource's nodejs bundles
      # npm and conflicts with Debian's npm package. Debian 12's own nodejs
      # (18) is enough: tests/e2e pins playwright-core 1.61.1, the last
      # release that runs on Node 18 (1.62 and later refuse anything below 20).
      command -v node >/dev/null 2>&1 || packages+=(nodejs)
      command -v npm >/dev/null 2>&1 || packages+=(npm)
      ;;
    bench) packages+=(wrk python3-aiosmtpd) ;;
    fuzz) packages+=(clang libclang-rt-14-dev) ;;
    *) echo "install-deps: unknown group '$group' (known: test browser bench fuzz)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]}; run as root or install them with apt-get." >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
