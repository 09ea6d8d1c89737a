#!/usr/bin/env bash
# Runs every test of every package against a real Docker engine, installing what is
# missing first. Prints "N passed, N failed" at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1

./scripts/install-test-deps.sh
# Not --frozen-lockfile: pnpm 12 then insists on recording its own package in the
# lockfile; the versions of every dependency are pinned by the committed lockfile anyway.
pnpm install --no-frozen-lockfile
pnpm lint
pnpm build

results=$(mktemp -d)
status=0
LB_TEST_RESULTS="$results" node scripts/with-test-engine.mjs \
  pnpm exec turbo run typecheck test --concurrency=1 --output-logs=full || status=$?
node scripts/summarise-tests.mjs "$results" || status=1
rm -rf "$results"
exit $status
