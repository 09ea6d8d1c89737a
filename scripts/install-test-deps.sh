#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian machine: a Docker engine,
# debootstrap (to build database images without a registry), Chromium, and pnpm.
set -euo pipefail

need_apt=()
command -v dockerd >/dev/null 2>&1 || need_apt+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || need_apt+=(debootstrap)
# Client mode runs pg_dump, mariadb-dump and redis-cli beside the agent.
ls /usr/lib/postgresql/*/bin/pg_dump >/dev/null 2>&1 || need_apt+=(postgresql-client)
command -v mariadb-dump >/dev/null 2>&1 || need_apt+=(mariadb-client)
command -v redis-cli >/dev/null 2>&1 || need_apt+=(redis-tools)
# The status page is tested in a real headless browser.
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

pnpm_version=$(node -p 'require("./package.json").packageManager.split("@")[1]')
if [ "$(pnpm --version 2>/dev/null || true)" != "$pnpm_version" ]; then
  echo "installing pnpm $pnpm_version"
  (cd / && npm install -g --silent "pnpm@$pnpm_version")
fi
