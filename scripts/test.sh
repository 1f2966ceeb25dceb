#!/usr/bin/env bash
# The README's test command (`npm test`): type check, unit/integration tests on SQLite
# and PostgreSQL, then the end-to-end suite in real Chromium against `npm start`.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== typecheck"
npx tsc --noEmit
echo "== unit and integration tests"
npx vitest run
echo "== end-to-end (Chromium)"
npx playwright test
