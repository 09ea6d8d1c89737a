#!/usr/bin/env bash
# Runs the agent from this checkout: installs dependencies and builds when needed.
# Configure it with the environment variables in the README.
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1
source ./scripts/use-node24.sh
pnpm_version=$(node -p 'require("./package.json").packageManager.split("@")[1]')
[ "$(pnpm --version 2>/dev/null || true)" = "$pnpm_version" ] || (cd / && npm install -g --silent "pnpm@$pnpm_version")
# Not --frozen-lockfile: pnpm 12 then insists on recording its own package in the
# lockfile; the versions of every dependency are pinned by the committed lockfile anyway.
pnpm install --no-frozen-lockfile >/dev/null
pnpm build >/dev/null
exec node apps/agent/bin/label-backup.js "${@:-agent}"
