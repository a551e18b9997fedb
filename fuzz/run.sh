#!/usr/bin/env bash
# `make fuzz`: builds the libFuzzer targets with clang under ASan and UBSan and
# runs each for a bounded time.
#
#   fuzz/run.sh [TARGET...]      targets: instrument answers form import_csv import_json mail
#
#   FUZZ_SECONDS   run time per target (default 60)
#   FUZZ_TIMEOUT   seconds one input may take before it counts as a hang (10)
#   FUZZ_MAX_LEN   largest input libFuzzer makes up (default per target)
#
# Each target starts from fuzz/corpus/TARGET (copied to a temporary directory,
# so that a run does not grow the committed corpus) and fuzz/regressions/TARGET
# (read only). Crashing, leaking, hanging and out-of-memory inputs land in
# build/fuzz/artifacts/TARGET/ (emptied at the start of each target's run),
# the output in build/fuzz/logs/TARGET.log. Exits 1 when any target found
# something, naming the files; keep each one in fuzz/regressions/TARGET/ under
# a descriptive name once it is fixed, so that `make test` replays it
# (tests/test_fuzz_regressions.c).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

all_targets=(instrument answers form import_csv import_json mail)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all_targets[@]}")
seconds=${FUZZ_SECONDS:-60}
timeout=${FUZZ_TIMEOUT:-10}

CC=${FUZZ_CC:-clang}
out=build/fuzz
read -ra pkg_cflags <<<"$(pkg-config --cflags jansson libsodium)" || exit 2
read -ra pkg_libs <<<"$(pkg-config --libs jansson libsodium) -lm" || exit 2
# The project's own warnings, and the sanitizers; -fsanitize=fuzzer-no-link
# instruments the library for coverage, the final link adds libFuzzer's main.
cflags=(-std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2
  -I. -Ibuild/gen "${pkg_cflags[@]}" -g -O1 -fno-omit-frame-pointer
  "-fsanitize=address,undefined" -fno-sanitize-recover=all)

# ---- build ------------------------------------------------------------------
[ -f build/gen/embedded.c ] || { echo "fuzz: build/gen/embedded.c is missing (make fuzz makes it)" >&2; exit 2; }
lib_src=(core/*.c server/web/survey_page.c server/web/survey_assets.c build/gen/embedded.c fuzz/entries.c)
mkdir -p "$out/obj" "$out/logs"
echo "fuzz: building with $($CC --version | head -n 1)"
objs=() pids=()
for src in "${lib_src[@]}"; do
  obj="$out/obj/${src//\//_}.o"
  objs+=("$obj")
  "$CC" "${cflags[@]}" -fsanitize=fuzzer-no-link -c "$src" -o "$obj" &
  pids+=($!)
done
built=1
for pid in "${pids[@]}"; do wait "$pid" || built=0; done
[ $built = 1 ] || { echo "fuzz: build failed" >&2; exit 2; }
for t in "${targets[@]}"; do
  [ -f "fuzz/fuzz_$t.c" ] || { echo "fuzz: unknown target '$t' (known: ${all_targets[*]})" >&2; exit 2; }
  "$CC" "${cflags[@]}" -fsanitize=fuzzer "fuzz/fuzz_$t.c" -Ifuzz "${objs[@]}" -o "$out/fuzz_$t" \
    "${pkg_libs[@]}" || { echo "fuzz: linking fuzz_$t failed" >&2; exit 2; }
done

# ---- run --------------------------------------------------------------------
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
work=$(mktemp -d /tmp/thermometer-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT

status=0
summary=()
found=()
for t in "${targets[@]}"; do
  case $t in
    instrument) max_len=${FUZZ_MAX_LEN:-8192} ;;
    import_csv | import_json) max_len=${FUZZ_MAX_LEN:-16384} ;;
    *) max_len=${FUZZ_MAX_LEN:-4096} ;;
  esac
  corpus="$work/$t"
  mkdir -p "$corpus"
  cp -r "fuzz/corpus/$t/." "$corpus/" 2>/dev/null
  dirs=("$corpus")
  [ -d "fuzz/regressions/$t" ] && dirs+=("fuzz/regressions/$t")
  art="$out/artifacts/$t"
  rm -rf "$art"
  mkdir -p "$art"
  dict=()
  [ -f "fuzz/dict/$t.dict" ] && dict=("-dict=fuzz/dict/$t.dict")
  log="$out/logs/$t.log"
  echo "fuzz: $t for ${seconds}s (log: $log)"
  "$out/fuzz_$t" -max_total_time="$seconds" -timeout="$timeout" -rss_limit_mb=2048 \
    -max_len="$max_len" -print_final_stats=1 -artifact_prefix="$art/" "${dict[@]}" \
    "${dirs[@]}" >"$log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n 1)
  cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -n 1)
  rate=-
  [ -n "$runs" ] && [ -n "$secs" ] && [ "$secs" -gt 0 ] && rate=$((runs / secs))
  mapfile -t files < <(find "$art" -type f | sort)
  if [ $rc -ne 0 ] || [ ${#files[@]} -gt 0 ]; then
    status=1
    verdict="FOUND (exit $rc)"
    found+=("${files[@]}")
    grep -m 3 -E 'ERROR: |runtime error|fuzz check failed|SUMMARY' "$log" | sed 's/^/    /'
  else
    verdict=ok
  fi
  summary+=("$(printf '%-12s %6ss %10s runs %8s execs/s  %-18s %s' "$t" "${secs:-?}" "${runs:-?}" "$rate" "${cov:-}" "$verdict")")
done

echo
printf '%s\n' "${summary[@]}"
if [ $status -ne 0 ]; then
  echo
  echo "fuzz: inputs that crashed, leaked or hung (see build/fuzz/logs/TARGET.log):"
  printf '  %s\n' "${found[@]}"
  echo "Replay one with: build/fuzz/fuzz_TARGET FILE; once fixed, keep it in fuzz/regressions/TARGET/."
fi
exit $status
