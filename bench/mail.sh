#!/usr/bin/env bash
# bench/mail.sh - mails per second (issue 15): the server's sender working
# through an outbox of BENCH_MAILS invitations (default 5000) to a real SMTP
# server on loopback (tests/smtp_relay.py, Debian's python3-aiosmtpd, keeping
# only the envelope), against Python's smtplib handing the same number of
# messages of the same size to the same relay over one connection: what the
# relay takes from a client that does nothing else; and against PostgreSQL's
# durable commits with as many clients: the server's sender does per message
# what makes "sent once" hold (lock the row, make the message with its
# derived link, mark it sent, hand it over, commit), on PostgreSQL with fsync
# on, on this machine.
#
# Run by `make bench` (bench/run.sh, which adds the last line's figures to
# its summary) or alone. Prints figures, never a verdict; exits non-zero only
# when it cannot run. The last line reads
# "MAIL|ours/s|smtplib/s|ratio|commits/s|ratio".
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

MAILS=${BENCH_MAILS:-5000}
CONNECTIONS=${BENCH_MAIL_CONNECTIONS:-2} # the server's MAIL_CONNECTIONS (its default)
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
for tool in psql curl; do
  command -v "$tool" >/dev/null || { echo "bench mail: $tool is missing"; exit 1; }
done
[ -x bin/thermometer ] || { echo "bench mail: bin/thermometer is missing: run make first"; exit 1; }
"$PY" -c 'import aiosmtpd' 2>/dev/null || { echo "bench mail: python3-aiosmtpd is missing (make bench installs it)"; exit 1; }

tmp=$(mktemp -d /tmp/thermometer-bench-mail.XXXXXX)
chmod 0711 "$tmp"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
  scripts/pg.sh stop "$tmp/db" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
now() { date +%s.%N; }
say() { printf '%s\n' "$*"; }

PG_FSYNC=on scripts/pg.sh start "$tmp/db" || { echo "bench mail: cannot start PostgreSQL"; exit 1; }
base_url=$(scripts/pg.sh url "$tmp/db")
psql "$base_url" -qc "CREATE DATABASE bench" || exit 1
URL="$base_url dbname=bench"

relay() { # relay OUT: a relay writing to OUT; its port in $tmp/relay.port
  rm -f "$tmp/relay.port"
  "$PY" tests/smtp_relay.py --count-only --out "$1" --port-file "$tmp/relay.port" 2>>"$tmp/relay.log" &
  pids+=($!)
  for _ in $(seq 1 100); do [ -s "$tmp/relay.port" ] && return 0; sleep 0.1; done
  echo "bench mail: the relay did not start"; cat "$tmp/relay.log"; exit 1
}
relay "$tmp/ours.jsonl"
relay_port=$(cat "$tmp/relay.port")

(
  unset BASE_URL DB_POOL_SIZE
  export DATABASE_URL="$URL" BIND=127.0.0.1 PORT=0 PORT_FILE="$tmp/port" THREADS=4
  export SMTP_URL="smtp://127.0.0.1:$relay_port" MAIL_FROM="Benchgemeente <enquete@bench.example>"
  export MAIL_RATE=0 MAIL_CONNECTIONS=$CONNECTIONS SEAL_KEY=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
  exec bin/thermometer serve
) 2>"$tmp/server.log" &
pids+=($!)
for _ in $(seq 1 300); do [ -s "$tmp/port" ] && break; sleep 0.1; done
[ -s "$tmp/port" ] || { echo "bench mail: the server did not start"; cat "$tmp/server.log"; exit 1; }
BASE="http://127.0.0.1:$(cat "$tmp/port")"
KEY=$(DATABASE_URL="$URL" bin/thermometer apikey create --name "bench mail" --role admin 2>/dev/null | tail -n 1)
api() { curl -sS -f --max-time 120 -X "$1" -H "Authorization: Bearer $KEY" "${@:3}" "$BASE$2"; }
org=$(api POST /api/v1/organisations -d '{"name": "Benchgemeente", "code": "GM9991"}' | grep -o '"id":[0-9]*' | head -1 | cut -d: -f2)
wave=$(api POST /api/v1/waves -d "{\"organisation_id\": $org, \"instrument\": \"thermometer-sociaal-domein\", \"name\": \"Bench post\", \"closes_at\": \"2099-01-01T00:00:00Z\"}" | grep -o '"id":[0-9]*' | head -1 | cut -d: -f2)
api POST "/api/v1/waves/$wave/open" >/dev/null || { echo "bench mail: cannot open a wave"; exit 1; }
layers=(bestuur management beleid uitvoering partners)
{
  echo "email;layer"
  for i in $(seq 1 "$MAILS"); do echo "persoon$i@bench.example;${layers[$((i % 5))]}"; done
} >"$tmp/list.csv"
t0=$(now)
api POST "/api/v1/waves/$wave/recipients" -H 'Content-Type: text/csv' --data-binary @"$tmp/list.csv" >/dev/null ||
  { echo "bench mail: the upload failed"; exit 1; }
t1=$(now)
size=$(api GET "/api/v1/waves/$wave/mail/preview" | wc -c)

api POST "/api/v1/waves/$wave/mail/send" >/dev/null || { echo "bench mail: send failed"; exit 1; }
t2=$(now)
while [ "$(wc -l <"$tmp/ours.jsonl" 2>/dev/null || echo 0)" -lt "$MAILS" ]; do
  sleep 0.05
  awk -v a="$t2" -v b="$(now)" 'BEGIN { exit !(b - a > 600) }' && { echo "bench mail: not all mails arrived within 600 s"; break; }
done
t3=$(now)
got=$(wc -l <"$tmp/ours.jsonl")
ours=$(awk -v n="$got" -v a="$t2" -v b="$t3" 'BEGIN { printf "%.0f", n / (b - a) }')
sent_twice=$("$PY" -c 'import json,sys; r=[json.loads(l)["rcpt"][0] for l in open(sys.argv[1])]; print(len(r)-len(set(r)))' "$tmp/ours.jsonl")

# The floor: the same relay, fed by smtplib over one connection.
relay "$tmp/floor.jsonl"
floor=$("$PY" - "$(cat "$tmp/relay.port")" "$MAILS" "$size" <<'EOF'
import smtplib, sys, time
port, n, size = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
body = ("x" * 75 + "\r\n") * max(1, size // 77)
msg = ("From: <enquete@bench.example>\r\nTo: <p@bench.example>\r\nSubject: bench\r\n\r\n" + body).encode()
s = smtplib.SMTP("127.0.0.1", port)
s.ehlo("bench.example")
t = time.time()
for i in range(n):
    s.sendmail("enquete@bench.example", ["persoon%d@bench.example" % i], msg)
print("%.0f" % (n / (time.time() - t)))
s.quit()
EOF
)

# The other floor: durable commits. Each mail is marked sent in a
# transaction of its own, committed after the relay's 250; pgbench runs one
# such transaction shape (a one-row UPDATE and COMMIT) with as many clients
# as the server has sender connections, for 10 s, on the same cluster.
PGBENCH=$(command -v pgbench || echo /usr/lib/postgresql/15/bin/pgbench)
commits=n/a
if [ -x "$PGBENCH" ]; then
  psql "$URL" -qc "CREATE TABLE bench_commit (id int PRIMARY KEY, n int); INSERT INTO bench_commit SELECT g, 0 FROM generate_series(1, $CONNECTIONS) g" &&
    echo "UPDATE bench_commit SET n = n + 1 WHERE id = :client_id + 1;" >"$tmp/commit.sql" &&
    commits=$("$PGBENCH" -n -M extended -c "$CONNECTIONS" -j "$CONNECTIONS" -T 10 -f "$tmp/commit.sql" "$URL" 2>/dev/null |
      sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -n 1 | awk '{ printf "%.0f", $1 }')
fi
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0) printf "%.2f", a / b; else print "n/a" }'; }

say "mail:        $MAILS invitations to 5 layers: list of $MAILS addresses stored in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s"
say "             the server sent $got in $(awk -v a="$t2" -v b="$t3" 'BEGIN { printf "%.1f", b - a }') s: $ours mails/s (MAIL_CONNECTIONS=$CONNECTIONS, release build, MAIL_RATE=0; messages about $size bytes); addresses that got two: $sent_twice"
say "floors:      smtplib to the same relay, one connection, same size: $floor mails/s"
say "             PostgreSQL (fsync on), $CONNECTIONS clients, one durable commit each: ${commits:-n/a} commits/s"
say "ratios:      server / smtplib = $(ratio "$ours" "$floor"); server / commits = $(ratio "$ours" "$commits")"
say "MAIL|$ours|$floor|$(ratio "$ours" "$floor")|${commits:-n/a}|$(ratio "$ours" "$commits")"
