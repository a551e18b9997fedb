#!/usr/bin/env bash
# `make test`: a throwaway PostgreSQL cluster in a temporary directory, a
# migrated template database the tests copy, every Criterion test binary given
# as an argument, and a closing "N passed, N failed" line. The cluster and the
# directory are removed afterwards, whatever happens.
set -uo pipefail
cd "$(dirname "$0")/.."

tmp=$(mktemp -d /tmp/thermometer-test.XXXXXX)
chmod 0711 "$tmp" # the postgres user must reach its cluster inside
cleanup() {
  scripts/pg.sh stop "$tmp/db" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

# fsync off: a test cluster need not survive a power cut (the fault tests
# that kill PostgreSQL run a cluster of their own, with fsync on).
PG_FSYNC=off scripts/pg.sh start "$tmp/db" || { echo "could not start PostgreSQL"; exit 1; }
base=$(scripts/pg.sh url "$tmp/db")
psql "$base" -qc "CREATE DATABASE thermometer_template" || exit 1
DATABASE_URL="$base dbname=thermometer_template" bin/thermometer migrate 2>/dev/null || {
  echo "migrations failed on the template database"; exit 1; }

export TEST_DATABASE_URL="$base"
export TEST_TEMPLATE_DB=thermometer_template
export TEST_TMPDIR="$tmp"
export THERMOMETER_BIN="${THERMOMETER_BIN:-bin/thermometer-asan}"
# The servers' seal key (tests/helpers/th.h TH_SEAL_KEY), for the commands the
# tests run (thermometer analyse and report release waiting submissions).
export SEAL_KEY=5e615e615e615e615e615e615e615e615e615e615e615e615e615e615e615e61
export NIST_DIR="${NIST_DIR:-tests/data/nist-strd}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

passed=0 failed=0 status=0
for t in "$@"; do
  echo "== $(basename "$t")"
  out=$("$t" --jobs 2 2>&1)
  rc=$?
  printf '%s\n' "$out"
  line=$(printf '%s\n' "$out" | grep -a 'Synthesis:' | tail -n 1)
  p=$(printf '%s' "$line" | sed -n 's/.*Passing: \([0-9]*\).*/\1/p')
  f=$(printf '%s' "$line" | sed -n 's/.*Failing: \([0-9]*\).*/\1/p')
  c=$(printf '%s' "$line" | sed -n 's/.*Crashing: \([0-9]*\).*/\1/p')
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${c:-0}))
  if [ $rc -ne 0 ] || [ -z "$line" ]; then
    # A runner can end badly after its synthesis (a leak at exit, a signal):
    # say which, so a red run with every test passing names its binary.
    echo "$(basename "$t"): exit status $rc"
    status=1
    [ -z "$line" ] && failed=$((failed + 1))
  fi
done
echo
echo "$passed passed, $failed failed"
exit $status
