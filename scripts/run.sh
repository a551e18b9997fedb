#!/usr/bin/env bash
# `make run`: serve with an embedded PostgreSQL under var/ unless DATABASE_URL
# is set. Ctrl-C stops the server and then the database, cleanly; the next run
# reuses the data.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${DATABASE_URL:-}" ]; then
  mkdir -p var
  scripts/pg.sh start var
  trap 'echo "stopping the embedded database"; scripts/pg.sh stop var' EXIT
  url=$(scripts/pg.sh url var)
  if [ "$(psql "$url" -tAc "SELECT 1 FROM pg_database WHERE datname = 'thermometer'")" != 1 ]; then
    psql "$url" -qc "CREATE DATABASE thermometer"
  fi
  export DATABASE_URL
  DATABASE_URL=$(scripts/pg.sh url var thermometer)
  echo "embedded PostgreSQL: data in var/pg, socket in var/"
fi

bin/thermometer migrate
# The server key (mail links are derived from it): made once, kept in
# var/seal.key (mode 0600), unless SEAL_KEY or SEAL_KEY_FILE says otherwise.
if [ -z "${SEAL_KEY:-}" ] && [ -z "${SEAL_KEY_FILE:-}" ]; then
  mkdir -p var
  if [ ! -s var/seal.key ]; then
    (umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >var/seal.key)
    echo "A server key was made in var/seal.key (mode 0600): keep it with the database."
  fi
  export SEAL_KEY_FILE=var/seal.key
fi
if [ ! -s var/admin.key ]; then
  mkdir -p var
  key=$(bin/thermometer apikey create --role admin 2>/dev/null | tail -n 1)
  (umask 077 && printf '%s\n' "$key" >var/admin.key)
  chmod 0600 var/admin.key
  echo
  echo "Your admin API key (shown once; kept in var/admin.key, mode 0600):"
  echo "  $key"
  echo
fi
if [ -x bin/thermometer ] && bin/thermometer demo --help >/dev/null 2>&1; then
  bin/thermometer demo --if-absent || true
  echo "The demo municipality: bin/thermometer demo --help"
fi

port=${PORT:-8080}
bind=${BIND:-127.0.0.1}
echo "Try:  curl -H \"Authorization: Bearer \$(cat var/admin.key)\" http://$bind:$port/api/v1/organisations"
[ -n "${SMTP_URL:-}" ] || echo "Mail is not set up (SMTP_URL): invitations go by CSV mail merge; see the README, \"Mail\"."
echo "Stop with Ctrl-C."
# Not exec: the EXIT trap must still stop the database after the server.
bin/thermometer serve
