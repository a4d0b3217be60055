#!/usr/bin/env bash
# scripts/test.sh — the one command that runs every selfmfa test.
#
# It installs what the tests need when it can (Debian, as root: chromium, redis-server,
# postgresql, nodejs/npm for axe-core), and otherwise stops with a message that says what to
# install. Then it runs the static checks (gofmt, go vet, staticcheck, templ generate drift) and
# `go test -race` over every module of the workspace (the library, example/, redislimit/ and
# pglimit/). Timing-sensitive checks (benchmarks, long
# fuzzing, soak) are separate commands listed in the README; they do not run here.
set -euo pipefail
cd "$(dirname "$0")/.."

say()  { printf '==> %s\n' "$*"; }
fail() { printf 'scripts/test.sh: %s\n' "$*" >&2; exit 1; }

# --- toolchain ---------------------------------------------------------------------------------
command -v go >/dev/null 2>&1 || fail "Go is not on PATH; install Go 1.26 or newer (https://go.dev/dl/)."
gover=$(go env GOVERSION | sed 's/^go//')
case "$gover" in
  1.2[6-9]*|1.[3-9][0-9]*|[2-9].*) ;;
  *) fail "Go $gover is too old; selfmfa needs Go 1.26 or newer." ;;
esac

# --- system packages the tests use -------------------------------------------------------------
# Real parts only: Debian's chromium for browser tests, a real redis-server for multi-instance tests
# and redislimit, a real PostgreSQL for pglimit (its tests start a throwaway cluster with initdb),
# node/npm to install axe-core (the accessibility audit the browser tests inject into every page).
have_postgres() {
  # initdb and postgres on PATH, or where Debian/Ubuntu put them (not on PATH).
  { command -v initdb >/dev/null 2>&1 && command -v postgres >/dev/null 2>&1; } && return 0
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && [ -x "$d/postgres" ] && return 0
  done
  return 1
}
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
have_postgres || need+=(postgresql)
# PostgreSQL refuses to run as root: under root the tests run it as the "postgres" user, which the
# Debian package creates.
if [ "$(id -u)" = 0 ] && ! id -u postgres >/dev/null 2>&1 && [[ ! " ${need[*]} " =~ " postgresql " ]]; then
  need+=(postgresql)
fi
command -v node >/dev/null 2>&1 || need+=(nodejs) # axe-core for the browser tests (example/e2e)
command -v npm >/dev/null 2>&1 || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing ${need[*]} (Debian packages)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    fail "missing ${need[*]}: install them (Debian/Ubuntu: sudo apt-get install ${need[*]}) and run again."
  fi
fi
[ -x /usr/bin/chromium ] || fail "/usr/bin/chromium is still missing after the install step."
command -v redis-server >/dev/null 2>&1 || fail "redis-server is still missing after the install step."
have_postgres || fail "PostgreSQL (initdb, postgres) is still missing after the install step; install the postgresql package."
if [ "$(id -u)" = 0 ] && ! id -u postgres >/dev/null 2>&1; then
  fail "running as root, and PostgreSQL refuses to run as root: create an unprivileged user named postgres (the Debian postgresql package does) or run as another user."
fi
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || fail "node/npm are still missing after the install step."

# --- npm packages of the browser tests: axe-core, pinned by example/e2e/package-lock.json --------
e2e=example/e2e
if [ ! -f "$e2e/node_modules/axe-core/axe.min.js" ] || [ ! -f "$e2e/node_modules/.package-lock.json" ] \
   || [ "$e2e/package-lock.json" -nt "$e2e/node_modules/.package-lock.json" ] \
   || [ "$e2e/package.json" -nt "$e2e/node_modules/.package-lock.json" ]; then
  say "npm ci in $e2e (axe-core)"
  npm ci --prefix "$e2e" --no-audit --no-fund >/dev/null \
    || fail "npm ci --prefix $e2e failed: the browser tests need axe-core from the npm registry (see $e2e/package.json)."
fi
[ -f "$e2e/node_modules/axe-core/axe.min.js" ] || fail "$e2e/node_modules/axe-core/axe.min.js is missing after npm ci."

# --- static checks -----------------------------------------------------------------------------
# Every module of go.work (./... from the root covers the root module only).
pkgs=(./... ./example/... ./redislimit/... ./pglimit/...)
say "gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './node_modules/*'))
[ -z "$unformatted" ] || fail "gofmt would change: $unformatted"

say "templ generate leaves no diff"
tmpl_before=$(git status --porcelain -- '*_templ.go' 2>/dev/null || true)
go tool templ generate >/dev/null
tmpl_after=$(git status --porcelain -- '*_templ.go' 2>/dev/null || true)
[ "$tmpl_before" = "$tmpl_after" ] || fail "go tool templ generate changed generated files; commit them: $tmpl_after"

say "go vet"
go vet "${pkgs[@]}"
say "staticcheck"
go tool staticcheck "${pkgs[@]}"

# --- tests -------------------------------------------------------------------------------------
say "go test -race"
go test -race -count=1 -timeout 30m "${pkgs[@]}"
