#!/usr/bin/env bash
# Provisions and runs one local Apache Kafka broker (KRaft: broker and controller in one
# node) on 127.0.0.1:9092, from the jars on Maven Central:
#   kafka.sh start   collect the jars once (cached in ~/.cache/aduan/kafka/<version>),
#                    format the storage once (var/kafka/data), start the node in the
#                    background, wait until it answers; prints the bootstrap address.
#   kafka.sh stop    stop it by its pid (var/kafka/broker.pid).
# Both are safe to run again. Another node (the tests' private broker, which they stop and
# restart) runs beside it with ADUAN_KAFKA_STATE (its directory), ADUAN_KAFKA_PORT and
# ADUAN_KAFKA_CONTROLLER_PORT; ADUAN_KAFKA_INSTALL=no makes a missing tool or jar an error
# instead of installing it.
set -euo pipefail

readonly ROOT=$(cd "$(dirname "$0")/../.." && pwd)
readonly CONFIG_DIR=${ROOT}/infra/kafka
readonly VERSION=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "${CONFIG_DIR}/pom.xml")
readonly POM_HASH=$(sha256sum "${CONFIG_DIR}/pom.xml" | cut -c1-12)
readonly CACHE=${ADUAN_KAFKA_CACHE:-${XDG_CACHE_HOME:-${HOME}/.cache}/aduan/kafka/${VERSION}-${POM_HASH}}
readonly LIBS=${CACHE}/libs
readonly STATE=${ADUAN_KAFKA_STATE:-${ROOT}/var/kafka}
readonly PORT=${ADUAN_KAFKA_PORT:-9092}
readonly CONTROLLER_PORT=${ADUAN_KAFKA_CONTROLLER_PORT:-9093}
readonly INSTALL=${ADUAN_KAFKA_INSTALL:-yes}
readonly DATA=${STATE}/data
readonly PID_FILE=${STATE}/broker.pid
readonly LOG_FILE=${STATE}/broker.log
readonly BOOTSTRAP=127.0.0.1:${PORT}
readonly START_SECONDS=90
readonly STOP_SECONDS=30

say() { printf 'kafka.sh: %s\n' "$*"; }
die() {
    printf 'kafka.sh: error: %s\n' "$*" >&2
    exit 1
}

show_log_and_die() {
    if [[ -r ${LOG_FILE} ]]; then
        printf -- '--- last lines of %s ---\n' "${LOG_FILE}" >&2
        tail -n 40 "${LOG_FILE}" >&2
    fi
    die "$@"
}

apt_install() {
    local log
    log=$(mktemp)
    say "installing $* from Debian packages..."
    local sudo=()
    [[ ${EUID} -eq 0 ]] || sudo=(sudo)
    if ! { "${sudo[@]}" apt-get update -q && DEBIAN_FRONTEND=noninteractive "${sudo[@]}" \
        apt-get install -y -q -o Dpkg::Use-Pty=0 "$@"; } >"${log}" 2>&1; then
        tail -n 30 "${log}" >&2
        die "apt-get could not install $* (full output: ${log})"
    fi
    rm -f "${log}"
}

ensure_tools() {
    local missing=()
    command -v java >/dev/null || missing+=(openjdk-17-jre-headless)
    jars_collected || command -v mvn >/dev/null || missing+=(maven)
    command -v kcat >/dev/null || missing+=(kcat)
    ((${#missing[@]})) || return 0
    [[ ${INSTALL} != no ]] || die "missing ${missing[*]}: \`make kafka\` installs them"
    apt_install "${missing[@]}"
}

running_pid() {
    [[ -r ${PID_FILE} ]] || return 1
    local pid
    pid=$(<"${PID_FILE}")
    [[ -n ${pid} ]] && kill -0 "${pid}" 2>/dev/null && echo "${pid}"
}

answers() { kcat -b "${BOOTSTRAP}" -L -m 3 >/dev/null 2>&1; }

jars_collected() { compgen -G "${LIBS}/kafka_2.13-*.jar" >/dev/null; }

collect_jars() {
    jars_collected && return
    [[ ${INSTALL} != no ]] || die "no Kafka jars in ${LIBS}: \`make kafka\` collects them"
    say "collecting Apache Kafka ${VERSION} jars from Maven Central into ${LIBS} (once)..."
    local partial=${LIBS}.partial log
    rm -rf "${partial}"
    mkdir -p "${partial}"
    log=$(mktemp)
    if ! mvn -q -B -f "${CONFIG_DIR}/pom.xml" dependency:copy-dependencies \
        -DincludeScope=runtime -DoutputDirectory="${partial}" >"${log}" 2>&1; then
        tail -n 30 "${log}" >&2
        die "Maven could not collect the Kafka jars (full output: ${log}); is Maven Central reachable?"
    fi
    rm -f "${log}"
    mv "${partial}" "${LIBS}"
}

readonly JAVA=(java -Xms256m -Xmx512m -Dlog4j2.configurationFile="${CONFIG_DIR}/log4j2.properties"
    -cp "${LIBS}/*")
kafka_java() { "${JAVA[@]}" "$@"; }

write_config() {
    mkdir -p "${DATA}"
    {
        sed -e "s/127\.0\.0\.1:9092/127.0.0.1:${PORT}/g" \
            -e "s/127\.0\.0\.1:9093/127.0.0.1:${CONTROLLER_PORT}/g" \
            "${CONFIG_DIR}/server.properties"
        echo "log.dirs=${DATA}"
    } >"${STATE}/server.properties"
}

format_once() {
    [[ -f ${DATA}/meta.properties ]] && return
    say "formatting the broker's storage in ${DATA} (once)..."
    local cluster_id
    cluster_id=$(kafka_java kafka.tools.StorageTool random-uuid)
    kafka_java kafka.tools.StorageTool format -t "${cluster_id}" -c "${STATE}/server.properties" \
        --standalone >"${STATE}/format.log" 2>&1 ||
        { cat "${STATE}/format.log" >&2; die "could not format ${DATA}"; }
}

start() {
    ensure_tools
    if running_pid >/dev/null && answers; then
        echo "Kafka on ${BOOTSTRAP}"
        return
    fi
    if ! running_pid >/dev/null && answers; then
        die "something else answers on ${BOOTSTRAP}; stop it, or use it by setting ADUAN_KAFKA_BOOTSTRAP"
    fi
    collect_jars
    write_config
    format_once
    if ! running_pid >/dev/null; then
        say "starting the broker (log: ${LOG_FILE})..."
        nohup "${JAVA[@]}" kafka.Kafka "${STATE}/server.properties" >"${LOG_FILE}" 2>&1 &
        echo $! >"${PID_FILE}"
    fi
    local waited=0
    until answers; do
        running_pid >/dev/null || show_log_and_die "the broker exited while starting"
        ((waited++ < START_SECONDS)) || show_log_and_die "no answer on ${BOOTSTRAP} after ${START_SECONDS}s"
        sleep 1
    done
    echo "Kafka on ${BOOTSTRAP}"
}

stop() {
    local pid
    if ! pid=$(running_pid); then
        rm -f "${PID_FILE}"
        say "not running"
        return
    fi
    kill -TERM "${pid}"
    local waited=0
    while kill -0 "${pid}" 2>/dev/null; do
        if ((waited++ >= STOP_SECONDS * 2)); then
            say "no exit after ${STOP_SECONDS}s: killing ${pid}"
            kill -KILL "${pid}" 2>/dev/null || true
        fi
        sleep 0.5
    done
    rm -f "${PID_FILE}"
    say "stopped"
}

case ${1:-start} in
start) start ;;
stop) stop ;;
*) die "usage: kafka.sh [start|stop]" ;;
esac
