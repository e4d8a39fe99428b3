#!/bin/bash
# Runs once, when the PostgreSQL data volume is first initialised (docker-entrypoint-initdb.d):
# creates one database per service, named in PLATFORM_DATABASES (space separated).
set -euo pipefail

for db in ${PLATFORM_DATABASES:-}; do
  echo "creating database ${db}"
  psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER}" --dbname postgres \
    --set db="${db}" <<'SQL'
SELECT format('CREATE DATABASE %I', :'db')
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db')\gexec
SQL
done
