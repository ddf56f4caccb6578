#!/bin/sh
# Runs once, when the PostgreSQL volume is empty (docker-entrypoint-initdb.d). Two roles, neither a superuser:
#   psykiatrihus_migrate  owns the database and every table (used only by the one-shot `migrate` service);
#   psykiatrihus_app      what web, worker and beat log in as: reads and writes the tables, but only INSERT and
#                         SELECT on the audit log (granted by `manage.py db_grant_app_role` after each migrate).
# The application role owns nothing, so it cannot disable the audit log's triggers, truncate it, or switch
# triggers off for its session.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
     -v migrate_password="$DB_MIGRATE_PASSWORD" -v app_password="$DB_APP_PASSWORD" <<'SQL'
CREATE ROLE psykiatrihus_migrate LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS
    PASSWORD :'migrate_password';
CREATE ROLE psykiatrihus_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT
    PASSWORD :'app_password';
CREATE DATABASE psykiatrihus OWNER psykiatrihus_migrate;
REVOKE ALL ON DATABASE psykiatrihus FROM PUBLIC;
GRANT CONNECT ON DATABASE psykiatrihus TO psykiatrihus_app;
SQL
