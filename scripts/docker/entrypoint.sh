#!/bin/sh
# The shoal image's entrypoint (installed as /usr/local/bin/shoal-entrypoint). It runs one node
# by role, configured by the environment docker-compose.yml sets, and resumes it whenever its
# data directory already holds a node — so a restarted or re-created container is the same node.
#
#   manager init   found the cluster (the first start), then publish the join material
#   manager join   join with the manager token the founding manager published
#   worker         join (or resume) as worker N of a scaled compose service
#   health         the managers' healthcheck: its /metrics show a working Raft member
#   shoal ARGS     the CLI; anything else is run as a command
#
# Environment:
#   SHOAL_LISTEN      manager: HOST:PORT to serve on (required)
#   SHOAL_METRICS     manager: where its /metrics are served (default: the listen port + 1000 on
#                     the listen host if it is a loopback address, else on 127.0.0.1)
#   SHOAL_NAME        node name (managers: required; workers: worker-N)
#   SHOAL_DATA        manager data directory (/var/lib/shoal)
#   SHOAL_HOST        every manager's address, comma-separated: the CLI's and the joiners' list
#   SHOAL_BOOTSTRAP   where the join material is read from (/run/shoal/bootstrap):
#                       manager-token, admin/{ca,cert,key}.pem   (managers' volume)
#                       worker-token                            (workers' volume)
#   SHOAL_PUBLISH_MANAGER, SHOAL_PUBLISH_WORKER
#                     manager init: where to publish the manager material and the worker token
#   SHOAL_RUNTIME     worker runtime (docker)
#   SHOAL_WORKER_ROOT worker N keeps its data in DIR/worker-N (/var/lib/shoal-workers)
#   SHOAL_WORKER_HOST_BASE
#                     worker N serves on 127.0.0.(BASE+N) (40)
#   SHOAL_WORKER_INDEX
#                     N, when not started by docker-compose (else read from the engine)
#   SHOAL_JOIN_WAIT   seconds to wait for the join material and a manager (300)
set -eu

HELPER=/usr/local/lib/shoal/entrypoint-helper.mjs
DATA=${SHOAL_DATA:-/var/lib/shoal}
BOOTSTRAP=${SHOAL_BOOTSTRAP:-/run/shoal/bootstrap}
JOIN_WAIT=${SHOAL_JOIN_WAIT:-300}

log() { printf 'shoal-entrypoint: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# Waits (up to JOIN_WAIT s) for a file another container publishes; prints its content.
wait_file() {
  waited=0
  until [ -s "$1" ]; do
    [ "$waited" -ge "$JOIN_WAIT" ] && die "gave up after ${JOIN_WAIT}s waiting for $1 (is the founding manager running? see its logs)"
    [ $((waited % 10)) -eq 0 ] && log "waiting for $1 ..."
    sleep 1
    waited=$((waited + 1))
  done
  cat "$1"
}

# Prints the first manager address in $1 that accepts connections (other than $2).
reachable_manager() {
  waited=0
  until node "$HELPER" reachable "$1" "${2:-}"; do
    [ "$waited" -ge "$JOIN_WAIT" ] && die "gave up after ${JOIN_WAIT}s: no manager reachable at $1"
    [ $((waited % 10)) -eq 0 ] && log "waiting for a manager at $1 ..."
    sleep 1
    waited=$((waited + 1))
  done
}

# Waits until no membership change is under way (no learner), so that this manager's own
# change does not collide with another's: Raft changes membership one manager at a time.
wait_settled() {
  waited=0
  until why=$(shoal cluster-info --json --stale 2>&1 | node "$HELPER" settled 2>&1); do
    [ "$waited" -ge "$JOIN_WAIT" ] && die "gave up after ${JOIN_WAIT}s waiting for the managers to settle: $why"
    log "waiting to join: $why"
    sleep 2
    waited=$((waited + 2))
  done
}

# Writes stdin to $1 atomically (readers never see half a file).
write_atomic() {
  cat >"$1.tmp.$$"
  mv -f "$1.tmp.$$" "$1"
}

# The founding manager, in the background: once it answers, copy the admin credentials and
# write the join tokens where the other containers wait for them. Done on every start, so a
# rotated token (`shoal join-token --rotate`) is published again by restarting manager1.
publish_join_material() {
  admin=$DATA/admin
  waited=0
  until [ -s "$admin/key.pem" ] &&
    manager_token=$(shoal join-token manager --quiet --certs "$admin" 2>/dev/null) &&
    worker_token=$(shoal join-token worker --quiet --certs "$admin" 2>/dev/null); do
    [ "$waited" -ge "$JOIN_WAIT" ] && die "could not read the join tokens within ${JOIN_WAIT}s; nothing published"
    sleep 1
    waited=$((waited + 1))
  done
  if [ -n "${SHOAL_PUBLISH_MANAGER:-}" ]; then
    mkdir -p "$SHOAL_PUBLISH_MANAGER/admin"
    chmod 700 "$SHOAL_PUBLISH_MANAGER/admin"
    for f in ca.pem cert.pem; do cp "$admin/$f" "$SHOAL_PUBLISH_MANAGER/admin/$f.tmp" && mv -f "$SHOAL_PUBLISH_MANAGER/admin/$f.tmp" "$SHOAL_PUBLISH_MANAGER/admin/$f"; done
    (umask 077 && cp "$admin/key.pem" "$SHOAL_PUBLISH_MANAGER/admin/key.pem.tmp") && mv -f "$SHOAL_PUBLISH_MANAGER/admin/key.pem.tmp" "$SHOAL_PUBLISH_MANAGER/admin/key.pem"
    # The token last: joiners wait for it, and then find the credentials complete.
    (umask 077 && printf '%s\n' "$manager_token" | write_atomic "$SHOAL_PUBLISH_MANAGER/manager-token")
    log "published the manager token and the admin credentials in $SHOAL_PUBLISH_MANAGER"
  fi
  if [ -n "${SHOAL_PUBLISH_WORKER:-}" ]; then
    mkdir -p "$SHOAL_PUBLISH_WORKER"
    (umask 077 && printf '%s\n' "$worker_token" | write_atomic "$SHOAL_PUBLISH_WORKER/worker-token")
    log "published the worker token in $SHOAL_PUBLISH_WORKER"
  fi
}

run_manager() {
  mode=$1
  : "${SHOAL_LISTEN:?manager: set SHOAL_LISTEN=HOST:PORT}"
  : "${SHOAL_NAME:?manager: set SHOAL_NAME}"
  if [ "$mode" = init ]; then
    # In a subshell that exits at once, so PID 1 (the compose init) reaps it, not the manager.
    (publish_join_material &)
  fi
  if [ -f "$DATA/node.json" ]; then
    log "resuming $SHOAL_NAME from $DATA"
    exec shoal manager start --data "$DATA"
  fi
  case $mode in
    init)
      log "founding a new cluster: $SHOAL_NAME on $SHOAL_LISTEN"
      exec shoal manager init --listen "$SHOAL_LISTEN" --data "$DATA" --name "$SHOAL_NAME"
      ;;
    join)
      wait_file "$BOOTSTRAP/manager-token" >/dev/null
      remote=$(reachable_manager "${SHOAL_HOST:?manager join: set SHOAL_HOST to the addresses of the managers}" "$SHOAL_LISTEN")
      wait_settled
      log "joining through $remote as $SHOAL_NAME on $SHOAL_LISTEN"
      # From the file: a token in argv would show in `ps` while the manager starts.
      exec shoal manager join "$remote" --token-file "$BOOTSTRAP/manager-token" --listen "$SHOAL_LISTEN" --data "$DATA" --name "$SHOAL_NAME"
      ;;
    *) die "manager wants init or join (got '$mode')" ;;
  esac
}

run_worker() {
  n=${SHOAL_WORKER_INDEX:-$(node "$HELPER" ordinal)} || die "cannot tell which worker replica this is"
  octet=$((${SHOAL_WORKER_HOST_BASE:-40} + n))
  [ "$octet" -le 254 ] || die "worker $n would serve on 127.0.0.$octet: too many workers for SHOAL_WORKER_HOST_BASE=${SHOAL_WORKER_HOST_BASE:-40}"
  dir=${SHOAL_WORKER_ROOT:-/var/lib/shoal-workers}/worker-$n
  name=${SHOAL_NAME:-worker-$n}
  if [ -f "$dir/worker.json" ]; then
    # Only this container runs worker N, and its agent died with the previous container:
    # the lock it left names a pid of that container, which may be alive again here.
    rm -f "$dir/agent.lock"
    log "resuming $name from $dir"
    exec shoal worker start --data "$dir"
  fi
  wait_file "$BOOTSTRAP/worker-token" >/dev/null
  remote=$(reachable_manager "${SHOAL_HOST:?worker: set SHOAL_HOST to the addresses of the managers}")
  log "joining through $remote as $name on 127.0.0.$octet"
  exec shoal worker join "$remote" --token-file "$BOOTSTRAP/worker-token" --data "$dir" --name "$name" \
    --runtime "${SHOAL_RUNTIME:-docker}" --listen "127.0.0.$octet:0"
}

role=${1:-}
[ $# -gt 0 ] && shift
case $role in
  manager) run_manager "${1:-}" ;;
  worker) run_worker ;;
  health)
    if [ -z "${SHOAL_METRICS:-}" ]; then
      # The manager's default (metrics-address.ts): loopback, the listen port + 1000.
      listen=${SHOAL_LISTEN:?health: set SHOAL_LISTEN or SHOAL_METRICS}
      host=${listen%:*}
      case $host in 127.*|localhost|'[::1]') ;; *) host=127.0.0.1 ;; esac
      SHOAL_METRICS=$host:$((${listen##*:} + 1000))
    fi
    exec node "$HELPER" healthy "$SHOAL_METRICS"
    ;;
  shoal) exec shoal "$@" ;;
  '') exec shoal --help ;;
  *) exec "$role" "$@" ;;
esac
