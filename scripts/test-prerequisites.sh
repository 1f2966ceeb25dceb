#!/usr/bin/env bash
# What `npm test` needs outside node_modules, checked before anything slow runs, so a fresh
# clone either gets it or stops at once with one line saying what to run.
#
#   Chromium (required: the end-to-end suite drives a real browser; Playwright cannot download
#   its own here). CHROMIUM_PATH, else /usr/bin/chromium, else `chromium` on PATH. Missing and
#   root with apt: installs Debian's `chromium`. Missing otherwise: exits 1.
#   PostgreSQL (optional: every database test also runs on it when it is reachable). Installed
#   but stopped and root: starts the cluster. Unusable: one line saying those tests are skipped.
#
# Sourced by scripts/test.sh (which then reads CHROMIUM_PATH and POSTGRES_SKIPPED); also
# runnable alone: `bash scripts/test-prerequisites.sh`.

cd "$(dirname "${BASH_SOURCE[0]}")/.."

find_chromium() {
  if [ -n "${CHROMIUM_PATH:-}" ]; then
    [ -x "$CHROMIUM_PATH" ] && echo "$CHROMIUM_PATH"
    return 0 # an explicit path that does not work is an error, not a cue to look elsewhere
  fi
  local candidate
  for candidate in /usr/bin/chromium "$(command -v chromium || true)"; do
    # `command -v` also names a non-executable file on PATH, hence the -x on both.
    if [ -n "$candidate" ] && [ -f "$candidate" ] && [ -x "$candidate" ]; then
      echo "$candidate"
      return 0
    fi
  done
}

chromium_path="$(find_chromium)"
if [ -z "$chromium_path" ] && [ -n "${CHROMIUM_PATH:-}" ]; then
  echo "npm test: CHROMIUM_PATH=$CHROMIUM_PATH is not an executable; point it at a Chromium binary or unset it" >&2
  exit 1
fi
if [ -z "$chromium_path" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "== installing Debian's chromium for the end-to-end suite (apt-get install chromium)"
  # Waits for another apt run's lock instead of failing on it (several sessions share machines).
  if ! { apt-get -o DPkg::Lock::Timeout=600 update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq chromium >/dev/null; }; then
    echo "npm test: installing chromium with apt-get failed (see above); run \`apt-get update && apt-get install -y chromium\`, then npm test again" >&2
    exit 1
  fi
  chromium_path="$(find_chromium)"
fi
if [ -z "$chromium_path" ]; then
  echo "npm test: Chromium not found; run \`sudo apt-get install -y chromium\` (Debian/Ubuntu) or set CHROMIUM_PATH=/path/to/chromium, then npm test again" >&2
  exit 1
fi
export CHROMIUM_PATH="$chromium_path"
echo "== Chromium: $CHROMIUM_PATH"

# bubblewrap: the model sandbox's OS walls (scorer/sandbox/detect-sandbox-walls.ts). Without it
# models still run, less isolated, and the sandbox escape tests fail; as root with apt, install it.
if ! command -v bwrap >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "== installing Debian's bubblewrap for the model sandbox (apt-get install bubblewrap)"
  apt-get -o DPkg::Lock::Timeout=600 update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq bubblewrap >/dev/null \
    || echo "npm test: installing bubblewrap failed (see above); the sandbox escape tests will fail" >&2
fi
command -v bwrap >/dev/null 2>&1 || echo "== bubblewrap: not installed; model runs are only partly isolated and the sandbox escape tests will fail (run \`sudo apt-get install -y bubblewrap\`)"

postgres_port_open() { (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }

# A cluster that is installed but down (a fresh container, a reboot) is started rather than
# silently losing half of the database tests. TEST_POSTGRES_URL means the caller chose a server.
if [ -z "${TEST_POSTGRES_URL:-}" ] && ! postgres_port_open && [ "$(id -u)" = 0 ] \
  && command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  version="$(ls /etc/postgresql | sort -V | tail -1)"
  if [ -n "$version" ] && [ -d "/etc/postgresql/$version/main" ]; then
    echo "== starting the local PostgreSQL $version cluster"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  fi
fi

# The same check the tests make (test-support/postgres.ts), so this line and the skips agree.
# Exit 3 means "not usable"; anything else non-zero is a broken check and stops the run.
postgres_check=0
node --import tsx -e 'require("./test-support/postgres.ts").postgresAvailable().then((ok) => process.exit(ok ? 0 : 3))' \
  || postgres_check=$?
case "$postgres_check" in
  0)
    POSTGRES_SKIPPED=0
    echo "== PostgreSQL: reachable; database tests run on SQLite and PostgreSQL"
    ;;
  3)
    POSTGRES_SKIPPED=1
    where="127.0.0.1:5432"
    [ -n "${TEST_POSTGRES_URL:-}" ] && where="TEST_POSTGRES_URL" # may hold a password: not printed
    echo "== PostgreSQL: not usable at $where; the PostgreSQL half of the database tests will be SKIPPED (start a local server or set TEST_POSTGRES_URL to run it)"
    ;;
  *)
    echo "npm test: the PostgreSQL check (test-support/postgres.ts) failed with exit $postgres_check" >&2
    exit 1
    ;;
esac
export POSTGRES_SKIPPED
