#!/bin/sh
# The container's entry: bring the database up to date, create the first practice and its
# admin from TEND_PRACTICE_NAME, TEND_ADMIN_NAME, TEND_ADMIN_EMAIL and TEND_ADMIN_PASSWORD
# (or TEND_ADMIN_PASSWORD_FILE) when they are set and that admin doesn't exist yet (so a
# second start changes nothing), then become the command: `tend serve` by default.
set -eu

tend migrate --no-input
tend createpractice --from-env

if [ "$#" -eq 0 ]; then
    set -- tend serve --addr 0.0.0.0:8000
fi
exec "$@"
