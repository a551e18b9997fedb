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
if [ ! -s var/admin.key ]; then
  mkdir -p var
  key=$(bin/thermometer apikey create --name "make run" --role admin 2>/dev/null | tail -n 1)
  (umask 077 && printf '%s\n' "$key" >var/admin.key)
  chmod 0600 var/admin.key
  echo
  echo "Your admin API key (shown once; kept in var/admin.key, mode 0600):"
  echo "  $key"
  echo
fi
# The seal key: submissions wait sealed under it until they are mixed
# (server/app/seal.h), and the links of e-mailed invitations are derived
# from it. Made once, kept like the admin key; SEAL_KEY or
# SEAL_KEY_FILE from the environment win.
if [ -z "${SEAL_KEY:-}" ] && [ -z "${SEAL_KEY_FILE:-}" ]; then
  if [ ! -s var/seal.key ]; then
    mkdir -p var
    (umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >var/seal.key)
    chmod 0600 var/seal.key
    echo "A seal key for waiting submissions was made: var/seal.key (mode 0600; keep it)"
  fi
  export SEAL_KEY_FILE=var/seal.key
fi
# The console's first admin, once: its one-time password is printed here and
# must be changed at the first sign-in (var/admin.account notes who it is).
if [ ! -s var/admin.account ]; then
  mkdir -p var
  email=${ADMIN_EMAIL:-admin@example.nl}
  if password=$(bin/thermometer user create --email "$email" --name "Beheerder" --role admin 2>/dev/null | tail -n 1); then
    (umask 077 && printf '%s\n' "$email" >var/admin.account)
    echo
    echo "The console: http://${BIND:-127.0.0.1}:${PORT:-8080}/beheer"
    echo "  e-mail:   $email"
    echo "  password: $password   (one-time: you choose your own at the first sign-in)"
    echo
  else
    echo "(the console's first admin exists already: bin/thermometer user reset $email gives a new password)"
    printf '%s\n' "$email" >var/admin.account
  fi
fi
if [ -x bin/thermometer ] && bin/thermometer demo --help >/dev/null 2>&1; then
  bin/thermometer demo --if-absent || true
  echo "The demo municipality: bin/thermometer demo --help"
fi

port=${PORT:-8080}
bind=${BIND:-127.0.0.1}
echo "The console: http://$bind:$port/beheer   (a new password: bin/thermometer user reset \$(cat var/admin.account))"
echo "The API:  curl -H \"Authorization: Bearer \$(cat var/admin.key)\" http://$bind:$port/api/v1/organisations"
[ -n "${SMTP_URL:-}" ] || echo "Mail is not set up (SMTP_URL): invitations go by CSV mail merge; see the README, \"Mail\"."
echo "Stop with Ctrl-C."
# Not exec: the EXIT trap must still stop the database after the server.
bin/thermometer serve
