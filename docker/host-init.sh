#!/bin/sh
# The first process of every harness container. Docker gives each container a default route via
# the bridge, even on an internal network; the harness allows none (network safety), except an
# explicit gateway (a NAT real server routes via its balancer). Then it runs the host's command.
#   FULCRUM_GATEWAY  optional: default route via this address
#   FULCRUM_ROUTES   optional: ';'-separated `ip route add` arguments, e.g. "198.19.4.0/24 via 198.19.3.2"
set -eu
ip route del default 2>/dev/null || true
if [ -n "${FULCRUM_GATEWAY:-}" ]; then
  ip route add default via "$FULCRUM_GATEWAY"
fi
if [ -n "${FULCRUM_ROUTES:-}" ]; then
  old_ifs=$IFS
  IFS=';'
  for route in $FULCRUM_ROUTES; do
    IFS=$old_ifs
    # shellcheck disable=SC2086 # the route's words are meant to split
    ip route add $route
  done
  IFS=$old_ifs
fi
if ! command -v "$1" >/dev/null 2>&1; then
  echo "fulcrum-host-init: cannot run $1: not found or not executable" >&2
  exit 127
fi
echo "fulcrum-host-ready"
exec "$@"
