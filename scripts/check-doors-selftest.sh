#!/usr/bin/env bash
# check-doors-selftest.sh - proves that scripts/check-doors.sh can fail: a
# throwaway tree with one crossing of each kind must be refused, line by
# line, and the same tree without them must pass.
set -uo pipefail
check=$(realpath "$(dirname "$0")/check-doors.sh")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/core" "$tmp/server/web" "$tmp/server/store" "$tmp/cli"
printf '#include "core/error.h"\n' >"$tmp/core/ok.c"
printf '#include "server/store/db.h"\n#include <libpq-fe.h>\nint f(void) { return PQping(0); }\n' >"$tmp/server/store/ok.c"
printf '#include "server/web/http.h"\n' >"$tmp/core/bad_include.c"
printf '#include "error.h"\n' >"$tmp/cli/bad_no_folder.c"
printf '#include <microhttpd.h>\n' >"$tmp/core/bad_library.c"
printf 'void g(void) { db_query(0, 0, 0, 0, 0); }\n' >"$tmp/server/web/bad_call.c"
printf 'int h(void) { return store_waves_get(0, 0, 1, 0, 0); }\n' >"$tmp/cli/bad_store_call.c"
out=$(DOORS_ROOT="$tmp" "$check" 2>&1)
rc=$?
fail=0
expect() {
  if ! grep -qF "$1" <<<"$out"; then
    echo "check-doors self-test: expected a complaint about $1; got:"
    echo "$out"
    fail=1
  fi
}
[ $rc -eq 1 ] || { echo "check-doors self-test: exit status $rc on a bad tree, expected 1"; fail=1; }
expect "core/bad_include.c:1: core may not include server/web/http.h"
expect "cli/bad_no_folder.c:1: includes \"error.h\" without its folder"
expect "core/bad_library.c:1: core may not include <microhttpd.h>"
expect "server/web/bad_call.c:1: calls db_query of server/store"
expect "cli/bad_store_call.c:1: calls store_waves_get of server/store"
grep -q "ok.c" <<<"$out" && { echo "check-doors self-test: a good file was refused: $out"; fail=1; }
rm "$tmp"/core/bad_* "$tmp"/cli/bad_* "$tmp"/server/web/bad_*
DOORS_ROOT="$tmp" "$check" >/dev/null 2>&1 || { echo "check-doors self-test: a good tree was refused"; fail=1; }
[ $fail -eq 0 ] && echo "check-doors: the check refuses each kind of crossing (self-test passed)"
exit $fail
