#!/usr/bin/env bash
# bench/run.sh - `make bench`: the speed figures of issues 4, 5 and 6, each
# next to the baseline it is judged against, printed with their ratios.
#
#   1. submissions   wrk (16 connections, 10 s) posting one submission per fresh
#                    token, against pgbench running the server's own submit SQL
#                    with the same concurrency; every acknowledged submission
#                    must be stored
#   2. survey page   GET /s/{token} at a fixed 500 requests/s for 10 s
#   3. analysis      GET /api/v1/waves/X/analysis on 100,000 respondents x 60
#                    answers, against PostgreSQL reading those answers once
#   4. report        GET .../report.xlsx?variant=full on the same wave, against
#                    libxlsxwriter writing only a Data sheet of the same shape
#   5. mail          invitations per second through a relay on loopback
#                    (bench/mail.sh), against Python's smtplib feeding it
#
# Figures, never a verdict: a slow figure is printed as such and the script
# still exits 0 (it exits non-zero only when it cannot run at all). Everything
# runs on this machine: a private PostgreSQL cluster in a temporary directory
# (fsync on: a durable commit is part of a submission's cost), the release
# build of the server on 127.0.0.1 and a free port, all removed afterwards.
# About three minutes. Settings: BENCH_DURATION (s, default 10), BENCH_ROUNDS
# (default 2), BENCH_TOKENS (default 200000), BENCH_RESPONDENTS (default
# 100000), BENCH_SERVER_THREADS (the server's THREADS, default 16).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

DURATION=${BENCH_DURATION:-10}
ROUNDS=${BENCH_ROUNDS:-2} # submission rounds (wrk then pgbench, each DURATION s)
SERVER_THREADS=${BENCH_SERVER_THREADS:-16}
TOKENS=${BENCH_TOKENS:-200000}
RESPONDENTS=${BENCH_RESPONDENTS:-100000}
ANSWERED=60         # answers per respondent (the instrument has 80 items)
CONNECTIONS=16      # wrk -c and pgbench -c
WRK_THREADS=2       # wrk -t and pgbench -j
PAGE_RATE=500       # requests per second for the survey page
PGBENCH_IDS=300000  # invitations for pgbench (see section 1)
LAYER=uitvoering    # the layer that answers most items
LAYER_INDEX=3       # its index in the instrument's layers
INSTRUMENT=survey-defs/thermometer-sociaal-domein-v1.json
PKGS="libmicrohttpd libpq jansson xlsxwriter libsodium gsl libcurl"

for tool in wrk pgbench psql curl pkg-config; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (make bench installs it)"; exit 1; }
done
[ -x bin/thermometer ] || { echo "bench: bin/thermometer is missing: run make first"; exit 1; }

tmp=$(mktemp -d /tmp/thermometer-bench.XXXXXX)
chmod 0711 "$tmp" # the postgres user must reach its cluster inside
server_pid=""
server_dead=0
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null
    for _ in $(seq 1 150); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
  fi
  scripts/pg.sh stop "$tmp/db" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

t_start=$(date +%s)
say() { printf '%s\n' "$*"; }
section() { printf '\n== %s\n' "$*"; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
# ratio A B [decimals]: A / B, or "n/a"
ratio() {
  awk -v a="$1" -v b="$2" -v d="${3:-2}" \
    'BEGIN { if (a == "" || b == "" || a == "n/a" || b == "n/a" || b + 0 == 0) print "n/a"; else printf "%.*f", d, a / b }'
}
# meets VALUE OP LIMIT: "yes"/"no"/"n/a" (OP is < <= >= >)
meets() {
  awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN {
    if (v == "" || v == "n/a") { print "n/a"; exit }
    ok = (op == "<" ? v < l : op == "<=" ? v <= l : op == ">=" ? v >= l : v > l)
    print ok ? "yes" : "NO" }'
}
min_of() { printf '%s\n' "$@" | sort -g | head -n 1; }
bench_value() { sed -n "s/^BENCH $2 //p" "$1" | head -n 1; }

# server_hwm: the server's peak resident memory in MB (VmHWM); reset_hwm
# starts a new peak (clear_refs 5), so each section measures its own.
server_hwm() { awk '/^VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$server_pid/status" 2>/dev/null; }
server_rss() { awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$server_pid/status" 2>/dev/null; }
hwm_resettable=0
reset_hwm() { echo 5 2>/dev/null >"/proc/$server_pid/clear_refs" && hwm_resettable=1; }
# CPU time in clock ticks: of the server; of the whole PostgreSQL cluster
# (the postmaster with its reaped children, plus its live children).
server_cpu() { awk '{ print $14 + $15 }' "/proc/$server_pid/stat" 2>/dev/null; }
pg_cpu() {
  local pm
  pm=$(head -n 1 "$tmp/db/pg/postmaster.pid" 2>/dev/null) || return
  cat /proc/[0-9]*/stat 2>/dev/null |
    awk -v pm="$pm" '$1 == pm { s += $14 + $15 + $16 + $17 } $4 == pm { s += $14 + $15 } END { print s + 0 }'
}
# alive: whether the server still runs; if not, say so with the end of its log.
alive() {
  kill -0 "$server_pid" 2>/dev/null && return 0
  wait "$server_pid" 2>/dev/null
  say "THE SERVER EXITED (status $?); the end of its log:"
  tail -n 20 "$tmp/server.log" | sed 's/^/    /'
  return 1
}
# thread_ticks: "TID TICKS" for every thread of the server; busy_threads
# BEFORE AFTER: how many threads used CPU between two such snapshots.
thread_ticks() { cat /proc/"$server_pid"/task/[0-9]*/stat 2>/dev/null | awk '{ print $1, $14 + $15 }'; }
busy_threads() { awk 'NR == FNR { t[$1] = $2; next } $2 - t[$1] > 0 { n++ } END { print n + 0 }' "$1" "$2"; }
TICK_MS=$(awk -v t="$(getconf CLK_TCK)" 'BEGIN { print 1000 / t }')
# per_op TICKS COUNT: milliseconds of CPU per operation
per_op() { awk -v t="$1" -v n="$2" -v ms="$TICK_MS" 'BEGIN { if (n > 0) printf "%.2f", t * ms / n; else print "n/a" }'; }
# client CPU: bash's time keyword, user + system seconds of the timed command
TIMEFORMAT='%U %S'
client_ms() { awk '{ printf "%.0f", ($1 + $2) * 1000 }' "$1" 2>/dev/null; }

# ---- the machine -----------------------------------------------------------
section "machine"
say "cpus:        $(nproc)"
say "cpu model:   $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
say "memory:      $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
say "kernel:      $(uname -r)"
say "postgresql:  $(/usr/lib/postgresql/15/bin/postgres --version 2>/dev/null | awk '{ print $3 }'), fsync on"
say "wrk:         $(wrk -v 2>&1 | head -n 1 | awk '{ print $2 }')"
say "load:        $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) at the start: other work on the machine moves the figures"

# ---- helper programs: built with the Makefile's flags against build/rel ----
section "setup"
CFLAGS_B="-std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2
  -I. -Ibuild/gen $(pkg-config --cflags $PKGS) -O2 -g"
LIBS_B="$(pkg-config --libs $PKGS) -lm -lpthread"
# The library objects exactly as the Makefile lists them (REL_OBJ).
LIB_OBJ=""
for src in core/*.c server/*/*.c reports/*/*.c build/gen/embedded.c; do
  LIB_OBJ+=" build/rel/${src%.c}.o"
done
mkdir -p "$tmp/bin"
for prog in print_sql gen_wave; do
  # shellcheck disable=SC2086
  ${CC:-gcc} $CFLAGS_B "bench/$prog.c" $LIB_OBJ -o "$tmp/bin/$prog" $LIBS_B ||
    { echo "bench: cannot build bench/$prog.c"; exit 1; }
done
# shellcheck disable=SC2086
${CC:-gcc} $CFLAGS_B bench/xlsx_data_only.c -o "$tmp/bin/xlsx_data_only" $LIBS_B ||
  { echo "bench: cannot build bench/xlsx_data_only.c"; exit 1; }

# ---- PostgreSQL and the server --------------------------------------------
PG_FSYNC=on scripts/pg.sh start "$tmp/db" || { echo "bench: cannot start PostgreSQL"; exit 1; }
base_url=$(scripts/pg.sh url "$tmp/db")
psql "$base_url" -qc "CREATE DATABASE bench" || exit 1
URL="$base_url dbname=bench"
sqlq() { psql "$URL" -qAtX -v ON_ERROR_STOP=1 -c "$1"; }

(
  unset BASE_URL DB_POOL_SIZE
  export DATABASE_URL="$URL" BIND=127.0.0.1 PORT=0 PORT_FILE="$tmp/port" THREADS=$SERVER_THREADS
  exec bin/thermometer serve
) 2>"$tmp/server.log" &
server_pid=$!
for _ in $(seq 1 300); do
  [ -s "$tmp/port" ] && break
  kill -0 "$server_pid" 2>/dev/null || { echo "bench: the server exited:"; cat "$tmp/server.log"; exit 1; }
  sleep 0.1
done
[ -s "$tmp/port" ] || { echo "bench: the server did not start"; exit 1; }
BASE="http://127.0.0.1:$(cat "$tmp/port")"
KEY=$(DATABASE_URL="$URL" bin/thermometer apikey create --role admin 2>/dev/null)
[ -n "$KEY" ] || { echo "bench: cannot create an API key"; exit 1; }
say "server:      $BASE (pid $server_pid, THREADS=$SERVER_THREADS, release build), resident $(server_rss) MB"

# api METHOD PATH [BODY]: the body of the answer; fails on a status >= 300.
api() {
  local out status
  out=$(curl -sS --max-time 120 -w '\n%{http_code}' -X "$1" -H "Authorization: Bearer $KEY" \
    -H 'Content-Type: application/json' ${3:+--data-binary "$3"} "$BASE$2") || return 1
  status=${out##*$'\n'}
  out=${out%$'\n'*}
  if [ "$status" -ge 300 ]; then echo "bench: $1 $2 answered $status: $out" >&2; return 1; fi
  printf '%s' "$out"
}
json_id() { grep -o '"id": *[0-9]*' | head -n 1 | grep -o '[0-9]*$'; }
new_wave() { # new_wave NAME: an open wave of the bench organisation
  local id
  id=$(api POST /api/v1/waves "{\"organisation_id\": $org, \"instrument\": \"thermometer-sociaal-domein@1.0.0\", \"name\": \"$1\"}" | json_id)
  [ -n "$id" ] && api POST "/api/v1/waves/$id/open" >/dev/null && echo "$id"
}
# tokens WAVE COUNT FILE: COUNT invitations of $LAYER through the API, tokens appended to FILE
tokens() {
  local left=$2 n
  while [ "$left" -gt 0 ]; do
    n=$((left > 10000 ? 10000 : left))
    curl -sS --max-time 120 -f -X POST -H "Authorization: Bearer $KEY" -H 'Accept: text/csv' \
      -H 'Content-Type: application/json' --data-binary "{\"layer\": \"$LAYER\", \"count\": $n}" \
      "$BASE/api/v1/waves/$1/invitations" | tr -d '\r' | tail -n +2 | cut -d, -f2 >>"$3" || return 1
    left=$((left - n))
  done
}

org=$(api POST /api/v1/organisations '{"name": "Benchgemeente", "code": "GM9990"}' | json_id)
[ -n "$org" ] || { echo "bench: cannot create the organisation"; exit 1; }

# Summary rows: name | figure | baseline | ratio | goal | met
summary=()
row() { summary+=("$(printf '%-34s|%-18s|%-22s|%-7s|%-16s|%s' "$@")"); }

# ============================================================================
section "1. submissions (issue 6)"
wave_sub=$(new_wave "Bench inzendingen") || { echo "bench: cannot create a wave"; exit 1; }
t0=$(now)
tokens "$wave_sub" "$TOKENS" "$tmp/tokens.txt" || { echo "bench: cannot create invitations"; exit 1; }
tokens "$wave_sub" 1000 "$tmp/page_tokens.txt" || { echo "bench: cannot create invitations"; exit 1; }
say "invitations: $(wc -l <"$tmp/tokens.txt") + $(wc -l <"$tmp/page_tokens.txt") through the API in $(elapsed "$t0" "$(now)") s (wave $wave_sub)"
"$tmp/bin/gen_wave" body "$INSTRUMENT" "$LAYER" 16 "$ANSWERED" "$tmp/bodies.txt" "$tmp/scores.txt" ||
  { echo "bench: cannot generate submission bodies"; exit 1; }

# pgbench runs the server's own two statements (bench/print_sql.c prints the
# constants of server/store/store.c), on invitations of a second open wave.
#
# Choosing the invitation: every transaction takes a fresh one, never used
# before, as every wrk request does. pgbench keeps a client's variables from
# one transaction to the next, so "\set n :n + 1" (n starts at 0 through -D)
# counts the client's transactions, and id = base + client_id + (n - 1) *
# clients gives each client its own ids, no two alike (base: the round's own
# part of the batch). The batch holds $PGBENCH_IDS invitations, more than the
# rounds can use (a transaction beyond them would find no invitation and
# write nothing; such are counted).
# The server looks a token up by its hash (token_hash = decode($1, 'hex')) and
# submits by the id found. pgbench can only make numbers, not hex strings, so
# the batch gets a precomputed "hash" that pgbench can compute too: the
# decimal digits of h(id) = 10^17 + (id * 2654435761) mod 10^17 read as hex
# (18 digits, 9 bytes), stored in token_hash itself. The multiplier is prime
# to 10^17, so h is one-to-one, and it scatters consecutive ids over the whole
# index as real hashes do: each submission's new index entry lands on a random
# leaf page, as the server's do (a sequential key would flatter pgbench with
# fewer dirty pages and full-page writes). The look-up is then the server's
# statement unchanged, through the same unique index on token_hash, with
# $1 = h(id); only the key is 9 bytes instead of 32, which does not change the
# cost of a B-tree probe.
# $2 is the scores literal the server stores for the first wrk body
# (gen_wave runs the server's answers_check + answers_scores_literal), $3 is
# NULL as for the server (those bodies have no text answers). pgbench
# -M extended sends text parameters through the extended protocol with an
# unnamed statement, as the server's PQexecParams does; each statement is its
# own transaction, as in the server.
wave_pgb=$(new_wave "Bench pgbench") || { echo "bench: cannot create a wave"; exit 1; }
t0=$(now)
sqlq "INSERT INTO invitations (id, wave_id, layer, token_hash)
      SELECT id, $wave_pgb, $LAYER_INDEX,
        decode((100000000000000000 + (id * 2654435761) % 100000000000000000)::text, 'hex')
      FROM (SELECT nextval('invitations_id_seq') AS id FROM generate_series(1, $PGBENCH_IDS)) s" ||
  { echo "bench: cannot create the pgbench invitations"; exit 1; }
read -r pgb_lo pgb_hi < <(sqlq "SELECT min(id), max(id) FROM invitations WHERE wave_id = $wave_pgb" | tr '|' ' ')
say "invitations: $PGBENCH_IDS for pgbench by SQL in $(elapsed "$t0" "$(now)") s (wave $wave_pgb, ids $pgb_lo..$pgb_hi)"
"$tmp/bin/print_sql" >"$tmp/sql.txt" || { echo "bench: print_sql failed"; exit 1; }
{
  echo "\\set n :n + 1"
  echo "\\set id :base + :client_id + (:n - 1) * $CONNECTIONS"
  echo "\\set h 100000000000000000 + (:id * 2654435761) % 100000000000000000"
  sed -n 1p "$tmp/sql.txt" | sed 's/\$1/:h/g; s/$/;/'
  sed -n 2p "$tmp/sql.txt" | sed 's/\$1/:id/g; s/\$2/:scores/g; s/\$3/NULL/g; s/$/;/'
} >"$tmp/submit.pgbench"
sqlq "VACUUM ANALYZE invitations" && sqlq "VACUUM ANALYZE responses"

# Rounds: wrk, pgbench, wrk, pgbench, ... each after a CHECKPOINT, so that a
# disturbance on the machine (a checkpoint, another process) falls on both
# sides alike; the rates are totals over the rounds.
per_round=$((TOKENS / ROUNDS))
awk -v per="$per_round" -v dir="$tmp" '{ r = int((NR - 1) / per) + 1; print > (dir "/tokens." r ".txt") }' "$tmp/tokens.txt"
pgb_per=$((PGBENCH_IDS / ROUNDS))
w_ok_sum=0 w_us_sum=0 p_tx_sum=0 p_s_sum=0 lat50=() lat99=() w_bad=0 p_bad=0 busy_list=()
for r in $(seq 1 "$ROUNDS"); do
  sqlq "CHECKPOINT"
  out="$tmp/wrk_submit.$r.out"
  s0=$(server_cpu) g0=$(pg_cpu)
  thread_ticks >"$tmp/threads.before"
  { time timeout $((DURATION + 60)) wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s \
    -s bench/submit.lua "$BASE" -- "$tmp/tokens.$r.txt" "$tmp/bodies.txt" "$WRK_THREADS" >"$out" 2>&1; } 2>"$out.time"
  sleep 1 # requests in flight when wrk stopped finish
  s1=$(server_cpu) g1=$(pg_cpu)
  thread_ticks >"$tmp/threads.after"
  w_ok=$(bench_value "$out" status_2xx)
  if [ -z "$w_ok" ]; then
    say "round $r wrk: no report (output below)"; cat "$out"; w_bad=1
  else
    w_us=$(bench_value "$out" duration_us)
    w_last=$(bench_value "$out" last_other_status)
    w_exh=$(bench_value "$out" tokens_exhausted)
    p50=$(awk -v v="$(bench_value "$out" p50_us)" 'BEGIN { printf "%.1f", v / 1000 }')
    p99=$(awk -v v="$(bench_value "$out" p99_us)" 'BEGIN { printf "%.1f", v / 1000 }')
    lat50+=("$p50") lat99+=("$p99")
    w_ok_sum=$((w_ok_sum + w_ok)) w_us_sum=$((w_us_sum + w_us))
    say "round $r wrk:     $(bench_value "$out" requests) requests in $(awk -v us="$w_us" 'BEGIN { printf "%.1f", us / 1e6 }') s: $w_ok acknowledged (2xx), $(bench_value "$out" status_409) 409, $(bench_value "$out" status_other) other$([ "${w_last:-0}" != 0 ] && echo " (last $w_last)"), $(bench_value "$out" socket_errors) socket errors"
    say "                  $(awk -v n="$w_ok" -v us="$w_us" 'BEGIN { printf "%.0f", n / (us / 1e6) }') submissions/s, latency p50 $p50 ms, p99 $p99 ms"
    [ "${w_exh:-0}" -gt 0 ] && say "                  (the tokens ran out: $w_exh requests reused one; raise BENCH_TOKENS)"
    busy=$(busy_threads "$tmp/threads.before" "$tmp/threads.after")
    busy_list+=("$busy")
    say "                  server threads that did work: $busy of $(wc -l <"$tmp/threads.after") (THREADS=$SERVER_THREADS, $CONNECTIONS connections)"
    say "                  CPU per submission: server $(per_op $((s1 - s0)) "$w_ok") ms, PostgreSQL $(per_op $((g1 - g0)) "$w_ok") ms, wrk $(awk -v c="$(client_ms "$out.time")" -v n="$w_ok" 'BEGIN { printf "%.2f", c / n }') ms"
  fi

  sqlq "CHECKPOINT"
  out="$tmp/pgbench.$r.out"
  g0=$(pg_cpu)
  { time timeout $((DURATION + 60)) pgbench -n -M extended -c "$CONNECTIONS" -j "$WRK_THREADS" -T "$DURATION" \
    -f "$tmp/submit.pgbench" -D n=0 -D "base=$((pgb_lo + (r - 1) * pgb_per))" \
    -D "scores=$(cat "$tmp/scores.txt")" -h "$tmp/db" -U postgres bench >"$out" 2>&1; } 2>"$out.time"
  g1=$(pg_cpu)
  tps=$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time).*/\1/p' "$out" | head -n 1)
  tx=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$out" | head -n 1)
  if [ -z "$tps" ] || [ -z "$tx" ]; then
    say "round $r pgbench: no report (output below)"; cat "$out"; p_bad=1
  else
    p_tx_sum=$((p_tx_sum + tx))
    p_s_sum=$(awk -v a="$p_s_sum" -v t="$tx" -v r="$tps" 'BEGIN { printf "%.6f", a + t / r }')
    say "round $r pgbench: $tx transactions, ${tps%.*} tps, latency average $(sed -n 's/^latency average = \([0-9.]*\) ms.*/\1/p' "$out") ms, $(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$out") failed"
    say "                  CPU per transaction: PostgreSQL $(per_op $((g1 - g0)) "$tx") ms, pgbench $(awk -v c="$(client_ms "$out.time")" -v n="$tx" 'BEGIN { printf "%.2f", c / n }') ms"
  fi
done

stored=$(sqlq "SELECT count(*) FROM responses WHERE wave_id = $wave_sub")
submitted=$(sqlq "SELECT count(*) FROM invitations WHERE wave_id = $wave_sub AND state = 2")
p_stored=$(sqlq "SELECT count(*) FROM responses WHERE wave_id = $wave_pgb")
w_rate=n/a p_tps=n/a
[ $w_bad = 0 ] && [ "$w_us_sum" -gt 0 ] && w_rate=$(awk -v n="$w_ok_sum" -v us="$w_us_sum" 'BEGIN { printf "%.0f", n / (us / 1e6) }')
[ $p_bad = 0 ] && [ "$p_tx_sum" -gt 0 ] && p_tps=$(awk -v n="$p_tx_sum" -v s="$p_s_sum" 'BEGIN { printf "%.0f", n / s }')
say "server:      $w_rate submissions/s over $ROUNDS x ${DURATION} s (wrk, $CONNECTIONS connections)"
say "pgbench:     $p_tps transactions/s over $ROUNDS x ${DURATION} s (the server's two statements, $CONNECTIONS clients)"
if [ "$p_stored" -eq "$p_tx_sum" ]; then
  say "             $p_stored stored by pgbench: one fresh invitation per transaction"
else
  say "             $p_stored stored by pgbench of $p_tx_sum transactions: $((p_tx_sum - p_stored)) found no fresh invitation (raise PGBENCH_IDS)"
fi
sub_ratio=$(ratio "$w_rate" "$p_tps")
say "ratio:       server / pgbench = $sub_ratio (goal >= 0.8)"
say "stored:      $stored rows in responses for the wave ($submitted invitations marked submitted); acknowledged by wrk: $w_ok_sum"
if [ $w_bad = 0 ] && [ "$stored" -ge "$w_ok_sum" ] && [ "$stored" -eq "$submitted" ]; then
  ack_ok=yes
  extra=$((stored - w_ok_sum))
  if [ "$extra" -gt 0 ]; then
    say "             every acknowledged submission is stored; $extra more stored than acknowledged (answers in flight when wrk stopped: at most one per connection and round)"
  else
    say "             every acknowledged submission is stored"
  fi
else
  ack_ok=NO
  say "             MISMATCH: acknowledged $w_ok_sum, stored $stored, invitations submitted $submitted"
fi
row "submissions/s (server)" "$w_rate" "pgbench $p_tps tps" "$sub_ratio" ">= 0.8" "$(meets "$sub_ratio" '>=' 0.8)"
row "submission latency p50 (ms)" "${lat50[*]:-n/a}" "per round" "" "" ""
row "submission latency p99 (ms)" "${lat99[*]:-n/a}" "per round" "" "" ""
row "acknowledged / stored" "$w_ok_sum / $stored" "" "" "all stored" "$ack_ok"
row "server threads busy (diagnosis)" "${busy_list[*]:-n/a}" "of THREADS=$SERVER_THREADS" "" "" ""

# ============================================================================
section "2. survey page (issue 6)"
alive || server_dead=1
timeout $((DURATION + 60)) wrk -t"$WRK_THREADS" -c20 -d"${DURATION}s" --timeout 10s \
  -s bench/page.lua "$BASE" -- "$tmp/page_tokens.txt" "$PAGE_RATE" "$WRK_THREADS" >"$tmp/wrk_page.out" 2>&1
g_req=$(bench_value "$tmp/wrk_page.out" requests)
g_us=$(bench_value "$tmp/wrk_page.out" duration_us)
g_ok=$(bench_value "$tmp/wrk_page.out" status_200)
g_bad=$(bench_value "$tmp/wrk_page.out" status_other)
g_last=$(bench_value "$tmp/wrk_page.out" last_other_status)
if [ -z "$g_req" ]; then
  say "wrk did not report (output below)"; cat "$tmp/wrk_page.out"
  g_rate=n/a g_p50=n/a g_p99=n/a
else
  g_rate=$(awk -v n="$g_req" -v us="$g_us" 'BEGIN { printf "%.0f", n / (us / 1e6) }')
  g_p50=$(awk -v v="$(bench_value "$tmp/wrk_page.out" p50_us)" 'BEGIN { printf "%.2f", v / 1000 }')
  g_p99=$(awk -v v="$(bench_value "$tmp/wrk_page.out" p99_us)" 'BEGIN { printf "%.2f", v / 1000 }')
  g_max=$(awk -v v="$(bench_value "$tmp/wrk_page.out" max_us)" 'BEGIN { printf "%.2f", v / 1000 }')
  say "wrk:         $g_req requests in $(awk -v us="$g_us" 'BEGIN { printf "%.1f", us / 1e6 }') s at a target of $PAGE_RATE/s: $g_ok answered 200, $g_bad other${g_last:+ (last $g_last)}"
  say "page:        $g_rate requests/s, latency p50 $g_p50 ms, p99 $g_p99 ms, max $g_max ms (goal p99 < 20 ms)"
fi
row "survey page at $PAGE_RATE/s: p99" "$g_p99 ms" "achieved $g_rate/s" "" "< 20 ms" "$(meets "$g_p99" '<' 20)"

# ============================================================================
section "3. analysis (issue 4)"
alive || server_dead=1
wave_big=$(new_wave "Bench analyse") || { echo "bench: cannot create a wave"; exit 1; }
t0=$(now)
DATABASE_URL="$URL" timeout 300 "$tmp/bin/gen_wave" wave "$wave_big" "$RESPONDENTS" "$ANSWERED" 42 ||
  { echo "bench: cannot generate the wave"; exit 1; }
# The server stores every analysis (a closed wave's for good, an open wave's
# as the live snapshot that moves only in steps of k responses per layer), so
# each timed request first drops the stored one: what is timed is the
# computation. The stored copy is timed separately at the end of section 4.
sqlq "VACUUM ANALYZE responses"
say "wave:        $wave_big, $(sqlq "SELECT count(*) FROM responses WHERE wave_id = $wave_big") respondents x $ANSWERED answers, $(sqlq "SELECT pg_size_pretty(pg_table_size('responses'))") in responses, made in $(elapsed "$t0" "$(now)") s"

reads=()
for _ in 1 2 3; do
  t0=$(now)
  psql "$URL" -qX -c "COPY (SELECT layer, scores FROM responses WHERE wave_id = $wave_big) TO STDOUT" >/dev/null
  reads+=("$(elapsed "$t0" "$(now)")")
done
read_s=$(min_of "${reads[@]}")
say "read:        PostgreSQL COPY of the wave's answers through psql: best $read_s s (runs: ${reads[*]})"

# get_timed PATH OUT: prints "STATUS SECONDS" (curl's total time)
get_timed() {
  curl -s --max-time 120 -o "$2" -w '%{http_code} %{time_total}' -H "Authorization: Bearer $KEY" "$BASE$1" |
    awk '{ printf "%s %.3f\n", $1, $2 }'
}
an_s=n/a an_hwm=n/a an_ratio=n/a
reset_hwm
rss_before=$(server_rss)
uncache() { sqlq "DELETE FROM wave_analysis_cache WHERE wave_id = $wave_big" >/dev/null; }
uncache
read -r status secs < <(get_timed "/api/v1/waves/$wave_big/analysis" "$tmp/analysis.json")
if [ "$status" = 404 ] || [ "$status" = 405 ]; then
  say "analysis:    analysis endpoint not available yet (GET answered $status)"
elif [ "$status" != 200 ]; then
  say "analysis:    GET answered $status: $(head -c 300 "$tmp/analysis.json" 2>/dev/null)"
else
  runs=("$secs") hwms=("$(server_hwm)")
  for _ in 2 3; do
    uncache
    read -r status secs < <(get_timed "/api/v1/waves/$wave_big/analysis" "$tmp/analysis.json")
    runs+=("$secs") hwms+=("$(server_hwm)")
  done
  an_s=$(min_of "${runs[@]}")
  an_hwm=$(server_hwm)
  an_ratio=$(ratio "$an_s" "$read_s")
  say "analysis:    best $an_s s (runs: ${runs[*]}), $(wc -c <"$tmp/analysis.json") bytes of JSON"
  say "ratio:       analysis / read = $an_ratio (goal <= 3); goal analysis < 2 s"
  say "memory:      server resident $rss_before MB before, peak $an_hwm MB during the analysis$([ $hwm_resettable = 1 ] || echo ' (peak since start: clear_refs not allowed)') (goal < 200 MB)"
  say "             peak after each request: ${hwms[*]} MB; resident afterwards $(server_rss) MB"
fi
row "analysis $((RESPONDENTS / 1000))k x $ANSWERED (s)" "$an_s" "read $read_s s" "$an_ratio" "< 2 s, <= 3x" \
  "$([ "$an_s" = n/a ] && echo n/a || { [ "$(meets "$an_s" '<' 2)" = yes ] && [ "$(meets "$an_ratio" '<=' 3)" = yes ] && echo yes || echo NO; })"
row "server peak memory, analysis" "$an_hwm MB" "" "" "< 200 MB" "$(meets "$an_hwm" '<' 200)"

# ============================================================================
section "4. report (issue 5)"
alive || server_dead=1
base_runs=()
for _ in 1 2; do
  out=$(DATABASE_URL="$URL" timeout 300 "$tmp/bin/xlsx_data_only" "$wave_big" "$tmp/data_only.xlsx") ||
    { say "baseline:    xlsx_data_only failed"; break; }
  base_runs+=("$(echo "$out" | awk '{ print $2 }')")
  base_shape=$(echo "$out" | awk '{ print $4 " rows x " $6 " columns" }')
done
base_s=n/a
if [ ${#base_runs[@]} -gt 0 ]; then
  base_s=$(min_of "${base_runs[@]}")
  say "baseline:    libxlsxwriter writing only a Data sheet ($base_shape, constant_memory): best $base_s s (runs: ${base_runs[*]}), $(( $(stat -c %s "$tmp/data_only.xlsx") / 1024 )) KiB"
fi
# Not the baseline, a diagnosis: the same rows with the cells the report's
# Data sheet writes (one column per item; option keys and "weet niet" as
# strings), to tell the cost of the sheet's content from the rest of the report.
kinds_s=n/a
if out=$(DATABASE_URL="$URL" timeout 300 "$tmp/bin/xlsx_data_only" "$wave_big" "$tmp/data_kinds.xlsx" --kinds); then
  kinds_s=$(echo "$out" | awk '{ print $2 }')
  say "diagnosis:   the same rows with the report's cell kinds ($(echo "$out" | awk '{ print $6 }') columns, option keys and \"weet niet\" as strings): $kinds_s s, $(( $(stat -c %s "$tmp/data_kinds.xlsx") / 1024 )) KiB"
fi
rp_s=n/a rp_hwm=n/a rp_ratio=n/a
# An open wave's report has no Data rows (two downloads would differ by the
# newest respondent): the report is timed on the closed wave, with the stored
# analysis dropped first, so the report computes it as a first download does.
api POST "/api/v1/waves/$wave_big/close" >/dev/null
reset_hwm
rss_before=$(server_rss)
uncache
read -r status secs < <(get_timed "/api/v1/waves/$wave_big/report.xlsx?variant=full" "$tmp/report.xlsx")
if [ "$status" = 404 ] || [ "$status" = 405 ]; then
  say "report:      report endpoint not available yet (GET answered $status)"
elif [ "$status" != 200 ]; then
  say "report:      GET answered $status: $(head -c 300 "$tmp/report.xlsx" 2>/dev/null)"
else
  runs=("$secs") hwms=("$(server_hwm)")
  uncache
  read -r status secs < <(get_timed "/api/v1/waves/$wave_big/report.xlsx?variant=full" "$tmp/report.xlsx")
  runs+=("$secs") hwms+=("$(server_hwm)")
  rp_s=$(min_of "${runs[@]}")
  rp_hwm=$(server_hwm)
  rp_ratio=$(ratio "$rp_s" "$base_s")
  say "report:      full report best $rp_s s (runs: ${runs[*]}), $(( $(stat -c %s "$tmp/report.xlsx") / 1024 )) KiB"
  say "ratio:       report / Data sheet alone = $rp_ratio (goal <= 1.5)"
  say "             the report also computes the analysis (section 3: $an_s s) and reads the answers again (about $read_s s)"
  [ "$kinds_s" != n/a ] && say "             against the sheet with the report's cell kinds: $(ratio "$rp_s" "$kinds_s")"
  say "memory:      server resident $rss_before MB before, peak $rp_hwm MB during the report (goal < 200 MB)"
  say "             peak after each request: ${hwms[*]} MB; resident afterwards $(server_rss) MB"
fi
row "full report $((RESPONDENTS / 1000))k x $ANSWERED (s)" "$rp_s" "Data sheet $base_s s" "$rp_ratio" "<= 1.5x" "$(meets "$rp_ratio" '<=' 1.5)"
row "  (diagnosis) report cell kinds" "$kinds_s" "report / this" "$(ratio "$rp_s" "$kinds_s")" "" ""
row "server peak memory, report" "$rp_hwm MB" "" "" "< 200 MB" "$(meets "$rp_hwm" '<' 200)"

# The closed wave: the first analysis computes and stores the cache, the
# next is read from it.
if [ "$an_s" != n/a ]; then
  uncache
  read -r _ c1 < <(get_timed "/api/v1/waves/$wave_big/analysis" "$tmp/analysis.json")
  read -r _ c2 < <(get_timed "/api/v1/waves/$wave_big/analysis" "$tmp/analysis.json")
  say "closed wave: analysis $c1 s on the first request (computed, then cached), $c2 s from the cache"
  row "analysis, closed wave, cached (s)" "$c2" "first $c1 s" "" "" ""
fi

# ============================================================================
section "5. mail (issue 15)"
# A server of its own with a relay (bench/mail.sh), on a cluster of its own.
mail_out=$(bench/mail.sh 2>&1)
printf '%s\n' "$mail_out" | grep -v '^MAIL|'
IFS='|' read -r _ mail_ours mail_floor mail_ratio mail_commits mail_cratio < <(printf '%s\n' "$mail_out" | grep '^MAIL|' | tail -n 1)
row "mails per second (2 connections)" "${mail_ours:-n/a}/s" "smtplib ${mail_floor:-n/a}/s" "${mail_ratio:-n/a}" "" ""
row "  same, against durable commits" "${mail_ours:-n/a}/s" "pgbench ${mail_commits:-n/a} tps" "${mail_cratio:-n/a}" "" ""

# ============================================================================
section "summary"
alive || server_dead=1
say "$(nproc) cpus, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM; PostgreSQL 15 with fsync on, on the same machine"
printf '%-34s|%-18s|%-22s|%-7s|%-16s|%s\n' "measure" "figure" "baseline" "ratio" "goal" "met"
printf '%s\n' "----------------------------------+------------------+----------------------+-------+----------------+----"
printf '%s\n' "${summary[@]}"
[ "$server_dead" = 0 ] || say "THE SERVER EXITED during the run (see above): later figures are missing"
say ""
say "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
say "bench: done in $(( $(date +%s) - t_start )) s"
exit 0
