#!/usr/bin/env bash
# Idempotent: installs the Debian packages the tests need (peers to compare against, the browser for
# report tests, the container engine). Installs only what is missing; as non-root it says what to install.
set -euo pipefail

# command to look for → Debian package providing it
declare -A wanted=(
  [haproxy]=haproxy
  [nginx]=nginx-light
  [caddy]=caddy
  [chromium]=chromium
  [tcpdump]=tcpdump
  [dockerd]=docker.io
  [nft]=nftables
  [ip]=iproute2
  [arping]=iputils-arping   # LVS-DR check: who answers ARP for the VIP
  [wrk]=wrk                 # bench --generator wrk (HTTP/1.1 load that is not the ceiling)
  [h2load]=nghttp2-client   # bench --generator h2load (HTTP/2 load)
)

missing=()
for cmd in "${!wanted[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin:/sbin" command -v "$cmd" >/dev/null 2>&1 || missing+=("${wanted[$cmd]}")
done

# Files that no command reveals: nginx's stream module (tcp/udp balancing) ships separately.
declare -A wanted_files=(
  [/usr/lib/nginx/modules/ngx_stream_module.so]=libnginx-mod-stream
)
for file in "${!wanted_files[@]}"; do
  [ -e "$file" ] || missing+=("${wanted_files[$file]}")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "system packages missing: ${missing[*]}" >&2
  echo "install them (Debian: sudo apt-get install ${missing[*]}); tests that need them are skipped with that reason" >&2
  exit 0
fi

echo "system packages: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian starts these as services on install; the tests start their own instances.
for svc in nginx haproxy caddy; do
  if command -v systemctl >/dev/null 2>&1; then systemctl stop "$svc" >/dev/null 2>&1 || true; fi
  pkill -x "$svc" >/dev/null 2>&1 || true
done
echo "system packages: done"
