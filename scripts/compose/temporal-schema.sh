#!/bin/sh
# docker-compose.yml's temporal-schema job (temporalio/admin-tools image): creates Temporal's two databases and brings
# their schemas up to the version this image carries. Safe to re-run: `create` skips an existing database,
# `setup-schema -v 0.0` skips a versioned one, `update-schema` applies only the missing versions. Any failure exits
# non-zero, and `docker compose up` stops before the server starts on a half-made schema.
#
# Connection from the environment, read by temporal-sql-tool itself (the password never goes on a command line):
# SQL_PLUGIN (postgres12), SQL_HOST, SQL_PORT, SQL_USER, SQL_PASSWORD.
# TEMPORAL_SCHEMA_DIR: the schema folder (default /etc/temporal/schema/postgresql/v12, where the image has it).
set -eu

: "${SQL_HOST:?temporal-schema: set SQL_HOST (the PostgreSQL host)}"
: "${SQL_USER:?temporal-schema: set SQL_USER}"
: "${SQL_PASSWORD:?temporal-schema: set SQL_PASSWORD (POSTGRES_PASSWORD in docker-compose.yml)}"
: "${SQL_PLUGIN:=postgres12}"
: "${SQL_PORT:=5432}"
export SQL_PLUGIN SQL_PORT
SCHEMA_DIR=${TEMPORAL_SCHEMA_DIR:-/etc/temporal/schema/postgresql/v12}

migrate() { # migrate DATABASE SCHEMA_SUBDIR
  db=$1 dir="$SCHEMA_DIR/$2/versioned"
  [ -d "$dir" ] || { echo "temporal-schema: no schema folder $dir in this image" >&2; exit 1; }
  echo "temporal-schema: $db: create (if missing)"
  temporal-sql-tool --db "$db" create
  echo "temporal-schema: $db: setup-schema -v 0.0 (skipped when versioned)"
  temporal-sql-tool --db "$db" setup-schema -v 0.0
  echo "temporal-schema: $db: update-schema -d $dir"
  temporal-sql-tool --db "$db" update-schema -d "$dir"
}

migrate temporal temporal
migrate temporal_visibility visibility
echo "temporal-schema: done"
