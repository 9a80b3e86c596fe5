#!/usr/bin/env bash
# Installs the Debian packages the tests drive for real, when they are missing:
# Chromium (browser tests), PostgreSQL (database tests), nginx (production path),
# Redis (shared rate limits).
# Needs root (as on the project's machines and in CI); says what to do otherwise.
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
command -v npm >/dev/null 2>&1 || need+=(npm)
command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || need+=(redis-server)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${need[*]}. Run as root: apt-get install -y ${need[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# With recommends: the combination that was exercised (Chromium with its fonts and helpers).
apt-get install -y -qq "${need[@]}" fonts-dejavu-core >/dev/null
