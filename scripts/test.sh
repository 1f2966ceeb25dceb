#!/usr/bin/env bash
# The README's test command (`npm test`): type check, unit/integration tests on SQLite
# and PostgreSQL, then the end-to-end suite in real Chromium against `npm start`.
# Needs nothing installed by hand first: scripts/test-prerequisites.sh finds (or, as root
# with apt, installs) Chromium and says whether PostgreSQL is there, before anything slow runs.
set -euo pipefail
cd "$(dirname "$0")/.."

started=$SECONDS
summary() {
  local status=$?
  local elapsed=$((SECONDS - started))
  if [ "${POSTGRES_SKIPPED:-0}" = 1 ]; then
    echo "== note: the PostgreSQL half of the database tests was SKIPPED (no usable server; see the PostgreSQL line above)"
  fi
  local verdict="passed"
  [ "$status" = 0 ] || verdict="FAILED (exit $status)"
  printf '== npm test %s in %dm%02ds\n' "$verdict" $((elapsed / 60)) $((elapsed % 60))
}

# shellcheck source=scripts/test-prerequisites.sh
source scripts/test-prerequisites.sh # exits with its one line when something is missing
trap summary EXIT

# The type check and ESLint each use one core: they run side by side, and the type check's
# output is printed once both are done.
echo "== typecheck and lint (ESLint: layering, promises, Next.js rules)"
typecheck_log="$(mktemp)"
npx tsc --noEmit >"$typecheck_log" 2>&1 &
typecheck_pid=$!
lint_status=0
npx eslint . --max-warnings 0 || lint_status=$?
typecheck_status=0
wait "$typecheck_pid" || typecheck_status=$?
cat "$typecheck_log"
rm -f "$typecheck_log"
[ "$typecheck_status" = 0 ] || echo "== typecheck FAILED"
[ "$lint_status" = 0 ] || echo "== lint FAILED"
if [ "$typecheck_status" != 0 ] || [ "$lint_status" != 0 ]; then exit 1; fi
echo "== format (Prettier)"
npx prettier --check . --log-level warn
echo "== unit and integration tests"
npx vitest run
echo "== end-to-end (Chromium)"
npx playwright test
