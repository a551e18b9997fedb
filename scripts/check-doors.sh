#!/usr/bin/env bash
# check-doors.sh - keeps the rooms' doors (docs/architecture.md).
#
# The source lives in rooms; a room may include the headers of the rooms it
# points to, and nothing else:
#
#   cli, server/web  ->  server/app  ->  server/store  ->  core
#                        server/app  ->  reports/*     ->  core
#   server/web, server/app  ->  reports/html (pure pages and charts)
#   (reports/xlsx and reports/html may use reports/analysis)
#
# Project headers are included by their folder path ("server/app/app.h"), so
# an #include line says which door it uses. Besides the includes, a few
# libraries belong to one room each: libpq to server/store, libmicrohttpd to
# server/web, libxlsxwriter to reports/xlsx, GSL to reports/analysis (and to
# server/app for the demo's random answers), libcurl to server/app (the mail
# relay). The web room and the command
# line call no function of server/store (db_, store_, migrate_), and no room
# but server/store calls libpq.
#
# Usage: scripts/check-doors.sh [FILE...]   (default: every C file of the rooms)
# Prints one line per crossing and exits 1 when there is any.
set -uo pipefail
cd "${DOORS_ROOT:-$(dirname "$0")/..}" # DOORS_ROOT: check another tree (the self-test)

# room -> the rooms it may include (itself always).
allowed_for() {
  case "$1" in
    core) echo "core" ;;
    reports/analysis) echo "core reports/analysis" ;;
    reports/xlsx) echo "core reports/analysis reports/xlsx" ;;
    reports/html) echo "core reports/analysis reports/html" ;;
    server/store) echo "core server/store" ;;
    server/app) echo "core reports/analysis reports/xlsx reports/html server/store server/app" ;;
    server/web) echo "core server/app server/web reports/html" ;;
    cli) echo "core server/app server/web cli" ;;
    *) echo "" ;;
  esac
}

# system header -> the only room that may include it.
library_room() {
  case "$1" in
    libpq-fe.h) echo "server/store" ;;
    microhttpd.h) echo "server/web" ;;
    xlsxwriter.h) echo "reports/xlsx" ;;
    gsl/*) echo "reports/analysis server/app" ;; # statistics; the demo's random answers
    curl/*) echo "server/app" ;;                  # the mail relay (SMTP)
    *) echo "" ;;
  esac
}

room_of() {
  case "$1" in
    core/*) echo core ;;
    reports/analysis/*) echo reports/analysis ;;
    reports/xlsx/*) echo reports/xlsx ;;
    reports/html/*) echo reports/html ;;
    server/store/*) echo server/store ;;
    server/app/*) echo server/app ;;
    server/web/*) echo server/web ;;
    cli/*) echo cli ;;
    *) echo "" ;;
  esac
}

if [ $# -gt 0 ]; then
  files=("$@")
else
  mapfile -t files < <(ls core/*.[ch] reports/*/*.[ch] server/*/*.[ch] cli/*.[ch] 2>/dev/null)
fi

bad=0
for f in "${files[@]}"; do
  room=$(room_of "$f")
  if [ -z "$room" ]; then
    echo "$f: not in a room (core, reports/analysis, reports/xlsx, reports/html, server/store, server/app, server/web, cli)"
    bad=1
    continue
  fi
  allowed=" $(allowed_for "$room") "
  while IFS= read -r line; do
    num=${line%%:*}
    inc=${line#*:}
    if [[ $inc =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*\"([^\"]+)\" ]]; then
      path=${BASH_REMATCH[1]}
      target=$(room_of "$path")
      if [[ $path != */* ]]; then
        echo "$f:$num: includes \"$path\" without its folder; write the room's path (e.g. \"core/error.h\")"
        bad=1
      elif [ -z "$target" ]; then
        echo "$f:$num: includes \"$path\", which is in no room"
        bad=1
      elif [[ $allowed != *" $target "* ]]; then
        echo "$f:$num: $room may not include $path ($room may use:$(allowed_for "$room" | sed 's/^/ /'))"
        bad=1
      fi
    elif [[ $inc =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*\<([^\>]+)\> ]]; then
      sys=${BASH_REMATCH[1]}
      owner=$(library_room "$sys")
      if [ -n "$owner" ] && [[ " $owner " != *" $room "* ]]; then
        echo "$f:$num: $room may not include <$sys>: only $owner talks to that library"
        bad=1
      fi
    fi
  done < <(grep -n '^[[:space:]]*#[[:space:]]*include' "$f")
  # libpq calls outside the database room (a PGconn handle may pass through
  # server/app, but only server/store runs statements on it).
  if [ "$room" != server/store ]; then
    while IFS= read -r hit; do
      echo "$f:${hit%%:*}: calls libpq (${hit#*:}) outside server/store"
      bad=1
    done < <(grep -noE '\bPQ[a-zA-Z]+[[:space:]]*\(' "$f" | sed 's/[[:space:]]*($//')
  fi
  # The web room and the command line reach the database only through the
  # services of server/app: a header included by server/app may be visible
  # to them, its functions are not theirs to call.
  if [ "$room" = server/web ] || [ "$room" = cli ]; then
    while IFS= read -r hit; do
      echo "$f:${hit%%:*}: calls ${hit#*:} of server/store; go through server/app"
      bad=1
    done < <(grep -noE '\b(db|store|migrate)_[a-z_]+[[:space:]]*\(' "$f" | sed 's/[[:space:]]*($//')
  fi
done

if [ $bad -ne 0 ]; then
  echo "check-doors: some files cross the rooms' doors (see docs/architecture.md)"
  exit 1
fi
exit 0
