#!/usr/bin/env bash
# Idempotent container-engine bootstrap for the containers driver and its tests.
# 1. A working engine (DOCKER_HOST, or the default socket: Docker, Docker Desktop, Podman's
#    docker-compatible socket) is used as is, silently.
# 2. Else, as root on Debian: install docker.io if missing and start dockerd in the background
#    with flags that keep it off the host's firewall and routing (see DESIGN.md, "The machine").
# 3. Anything else: say what to install and exit non-zero.
set -euo pipefail

log_file="${FULCRUM_DOCKERD_LOG:-/var/log/fulcrum-dockerd.log}"
wait_seconds="${FULCRUM_ENGINE_WAIT_SECONDS:-30}"

engine_answers() {
  command -v docker >/dev/null 2>&1 && timeout 10 docker info >/dev/null 2>&1
}

if engine_answers; then
  exit 0
fi

if [ -n "${DOCKER_HOST:-}" ]; then
  echo "ensure-engine: DOCKER_HOST=$DOCKER_HOST is set but the engine does not answer 'docker info'." >&2
  echo "ensure-engine: start that engine, or unset DOCKER_HOST to let this script start a local dockerd." >&2
  exit 1
fi

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-engine: no container engine answers and this script can only start one as root on Debian." >&2
  echo "ensure-engine: install and start Docker (Debian/Ubuntu: sudo apt-get install docker.io && sudo systemctl start docker)," >&2
  echo "ensure-engine: or Podman with its docker-compatible socket (systemctl --user start podman.socket; export DOCKER_HOST=unix://\$XDG_RUNTIME_DIR/podman/podman.sock)." >&2
  exit 1
fi

export PATH="$PATH:/usr/sbin:/sbin"
if ! command -v dockerd >/dev/null 2>&1; then
  echo "ensure-engine: installing Debian's docker.io" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io >/dev/null 2>&1 || {
    apt-get update -q >/dev/null 2>&1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io >/dev/null
  }
fi

# A dockerd we started earlier may still be coming up: only start one if none runs.
if ! pgrep -x dockerd >/dev/null 2>&1; then
  echo "ensure-engine: starting dockerd (log: $log_file)" >&2
  mkdir -p "$(dirname "$log_file")"
  # --iptables/--ip-forward=false: leave the host's firewall and forwarding alone.
  # Bridge and address pool inside 198.18.0.0/15, the benchmarking range the harness may use.
  # The default bridge must exist (testcontainers needs it), so no --bridge=none.
  setsid nohup dockerd \
    --iptables=false --ip-forward=false \
    --bip=198.18.255.1/24 \
    --default-address-pool base=198.18.0.0/16,size=24 \
    >>"$log_file" 2>&1 </dev/null &
fi

deadline=$((SECONDS + wait_seconds))
until engine_answers; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "ensure-engine: dockerd did not answer within ${wait_seconds}s; last lines of $log_file:" >&2
    tail -n 20 "$log_file" >&2 || true
    exit 1
  fi
  sleep 0.5
done
echo "ensure-engine: dockerd is up" >&2
