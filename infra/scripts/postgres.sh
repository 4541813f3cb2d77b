#!/usr/bin/env bash
# Provisions the PostgreSQL server that the tests and a production-like run use:
# Debian's `postgresql` package, its `main` cluster on 127.0.0.1:5432, and the role
# `aduan` (password `aduan`) owning the databases `aduan` and `aduan_test`.
# Safe to run again: when everything is in place it prints only the test database URL.
set -euo pipefail

readonly HOST=127.0.0.1
readonly PORT=5432
readonly ROLE=aduan
readonly PASSWORD=aduan
readonly DATABASES=(aduan aduan_test)
readonly WAIT_SECONDS=30
readonly URL="postgresql://${ROLE}:${PASSWORD}@${HOST}:${PORT}/aduan_test"

say() { printf 'postgres.sh: %s\n' "$*"; }
die() {
    printf 'postgres.sh: error: %s\n' "$*" >&2
    exit 1
}

require_root() {
    [[ ${EUID} -eq 0 ]] && return
    command -v sudo >/dev/null || die "run this as root: it installs packages and manages the cluster"
    exec sudo -- bash "$0" "$@"
}

# The newest PostgreSQL server installed, by its Debian version directory, or nothing.
installed_server_version() {
    local binary
    for binary in /usr/lib/postgresql/*/bin/postgres; do
        if [[ -x ${binary} ]]; then basename "$(dirname "$(dirname "${binary}")")"; fi
    done | sort -n | tail -n 1
}

# The version to use: that of an existing `main` cluster, else the newest server installed.
chosen_version() {
    local existing
    existing=$(pg_lsclusters --no-header | awk '$2 == "main" { print $1 }' | sort -n | tail -n 1)
    echo "${existing:-$(installed_server_version)}"
}

install_server() {
    local log
    log=$(mktemp)
    say "installing PostgreSQL from Debian packages (apt-get install postgresql)..."
    if ! { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
        -o Dpkg::Use-Pty=0 postgresql; } >"${log}" 2>&1; then
        tail -n 30 "${log}" >&2
        die "apt-get could not install postgresql (full output: ${log})"
    fi
    rm -f "${log}"
}

# One line of pg_lsclusters for <version> main: "ver cluster port status owner datadir log".
cluster_line() { pg_lsclusters --no-header "$1" main 2>/dev/null || true; }

ensure_cluster() {
    local version=$1
    [[ -n $(cluster_line "${version}") ]] && return
    say "creating cluster ${version}/main on port ${PORT}..."
    pg_createcluster --port "${PORT}" "${version}" main >/dev/null
}

ensure_running() {
    local version=$1 port status log_file
    read -r _ _ port status _ _ log_file <<<"$(cluster_line "${version}")"
    [[ ${port} == "${PORT}" ]] ||
        die "cluster ${version}/main uses port ${port}, not ${PORT}: set port = ${PORT} in" \
            "/etc/postgresql/${version}/main/postgresql.conf or stop what holds ${PORT}"
    if [[ ${status} != online* ]]; then
        say "starting cluster ${version}/main..."
        pg_ctlcluster "${version}" main start || show_log_and_die "${log_file}" "could not start ${version}/main"
    fi
    local waited=0
    until pg_isready -q -h "${HOST}" -p "${PORT}"; do
        ((waited++ < WAIT_SECONDS * 2)) ||
            show_log_and_die "${log_file}" "no answer on ${HOST}:${PORT} after ${WAIT_SECONDS}s" \
                "(is listen_addresses in /etc/postgresql/${version}/main/postgresql.conf 'localhost'?)"
        sleep 0.5
    done
}

show_log_and_die() {
    local log_file=$1
    shift
    if [[ -r ${log_file} ]]; then
        printf -- '--- last lines of %s ---\n' "${log_file}" >&2
        tail -n 30 "${log_file}" >&2
    fi
    die "$@"
}

# psql as the postgres superuser over the local socket; from / so the caller's directory
# does not have to be readable by postgres.
psql_admin() {
    (cd / && runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -d postgres -tA "$@")
}

ensure_role_and_databases() {
    if [[ -z $(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '${ROLE}'") ]]; then
        say "creating role ${ROLE}..."
        psql_admin -c "CREATE ROLE ${ROLE} LOGIN CREATEDB PASSWORD '${PASSWORD}'"
    fi
    local database
    for database in "${DATABASES[@]}"; do
        if [[ -z $(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '${database}'") ]]; then
            say "creating database ${database}..."
            psql_admin -c "CREATE DATABASE ${database} OWNER ${ROLE}"
        fi
    done
}

check_login() {
    PGPASSWORD=${PASSWORD} PGCONNECT_TIMEOUT=5 psql -X -q -tA -c 'SELECT 1' \
        -h "${HOST}" -p "${PORT}" -U "${ROLE}" -d aduan_test >/dev/null ||
        die "cannot log in as ${ROLE} at ${URL}; check the role's password and pg_hba.conf"
}

main() {
    require_root "$@"
    if [[ -z $(installed_server_version) ]] || ! command -v pg_lsclusters >/dev/null; then
        install_server
        [[ -n $(installed_server_version) ]] || die "postgresql was installed but no server was found"
    fi
    local version
    version=$(chosen_version)
    ensure_cluster "${version}"
    ensure_running "${version}"
    ensure_role_and_databases
    check_login
    echo "${URL}"
}

main "$@"
