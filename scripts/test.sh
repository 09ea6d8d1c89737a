#!/usr/bin/env bash
# Runs every test of every package against a real Docker engine, installing what is
# missing first (Node 24 among them, under the user's cache when the machine's node is
# older). Prints "N passed, N failed, N skipped" at the end; a test file that fails to
# load, a failed hook or a package whose test command fails counts as failed.
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1

source ./scripts/use-node24.sh
./scripts/install-test-deps.sh
# Not --frozen-lockfile: pnpm 12 then insists on recording its own package in the
# lockfile; the versions of every dependency are pinned by the committed lockfile anyway.
pnpm install --no-frozen-lockfile
pnpm lint
pnpm build

results=$(mktemp -d)
status=0
# --continue: one failing package must not hide the others' results. The run summary
# tells which tasks exited non-zero.
rm -rf .turbo/runs
LB_TEST_RESULTS="$results" node scripts/with-test-engine.mjs \
  pnpm exec turbo run typecheck test --concurrency=1 --continue --output-logs=full --summarize || status=$?
node scripts/summarise-tests.mjs "$results" .turbo/runs || status=1
rm -rf "$results"
exit $status
