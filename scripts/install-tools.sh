#!/usr/bin/env bash
# Installs the local tools docnotify needs for development and tests, idempotently, into a cache
# OUTSIDE the repo (a fresh clone on the same machine reuses it; nothing here is ever committed):
#
#   $CACHE/bin/temporal                          Temporal CLI (dev server with Web UI), go install
#   $CACHE/bin/mailpit                           SMTP catcher with REST API, go install
#   $CACHE/bin/temporal-server                   the real Temporal server (cluster tier, on PostgreSQL), go install
#   $CACHE/bin/temporal-sql-tool                 its schema tool (creates/migrates the PostgreSQL databases), go install
#   $CACHE/bin/docker-compose                    Docker Compose v2 (`docker compose config` test), go build;
#                                                also $CACHE/docker/cli-plugins/docker-compose (DOCKER_CONFIG=$CACHE/docker)
#   $CACHE/test-server/lib/*.jar                 Java time-skipping test server, from Maven Central
#   $CACHE/test-server/temporal-test-server      wrapper that execs the Java test server
#   /usr/bin/chromium                            only with DOCNOTIFY_WITH_BROWSER=1 (Debian package)
#   node_modules                                 `npm ci` when package-lock.json is newer
#
# CACHE = ${DOCNOTIFY_CACHE:-$HOME/.cache/docnotify}. Each tool has a stamp file in $CACHE/stamps
# holding the version it was built from; a different wanted version rebuilds it. Binaries that
# already exist without a stamp are adopted when their embedded module version matches.
#
# Environment: DOCNOTIFY_CACHE, DOCNOTIFY_WITH_BROWSER=1, DOCNOTIFY_SKIP_NPM=1 (skip the npm step).
set -euo pipefail

TEMPORAL_CLI_VERSION=v1.5.1   # v1.6.0+ cannot be `go install`ed (replace directive in go.mod)
MAILPIT_VERSION=v1.33.1
TEMPORAL_SERVER_VERSION=v1.29.1   # the server the CLI above embeds; CLUSTER_SETTINGS.temporalVersion (src/dev/cluster-settings.ts)

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${DOCNOTIFY_CACHE:-$HOME/.cache/docnotify}"
BIN="$CACHE/bin"
STAMPS="$CACHE/stamps"
LOGS="$CACHE/logs"
START_S=$SECONDS

mkdir -p "$BIN" "$STAMPS" "$LOGS"

say() { printf '==> %s\n' "$*"; }
die() { printf 'install-tools: error: %s\n' "$*" >&2; exit 1; }

# One installer at a time (a CI run and a developer may start it together).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$CACHE/.install.lock"
  if ! flock -n 9; then
    say "waiting for another install-tools.sh run to finish"
    flock 9
  fi
fi

size_mb() { du -m "$1" | awk '{print $1}'; }

stamp_is() { # stamp_is NAME VALUE -> true when the stamp holds VALUE
  [[ -f "$STAMPS/$1" ]] && [[ "$(cat "$STAMPS/$1")" == "$2" ]]
}

find_go() {
  if command -v go >/dev/null 2>&1; then command -v go; return; fi
  for g in /usr/local/go/bin/go /usr/lib/go/bin/go; do
    [[ -x "$g" ]] && { echo "$g"; return; }
  done
  die "Go is needed to build the Temporal CLI and Mailpit (https://go.dev/dl/); none found on PATH"
}

# go_module_version BINARY -> the main module version embedded by `go install` (e.g. v1.5.1).
# (`temporal --version` prints 0.0.0-DEV and `mailpit version` prints "dev" for go-installed builds.)
go_module_version() {
  "$(find_go)" version -m "$1" 2>/dev/null | awk '$1 == "mod" { print $3; exit }'
}

install_go_tool() { # install_go_tool NAME PACKAGE VERSION [BUILT_NAME (default: the package's last path element)]
  local name=$1 pkg=$2 version=$3 built=${4:-$(basename "$2")} bin="$BIN/$1"
  if [[ -x "$bin" ]] && stamp_is "$name" "$version"; then
    say "$name: already installed ($version)"
    return
  fi
  if [[ -x "$bin" ]] && [[ "$(go_module_version "$bin")" == "$version" ]]; then
    echo "$version" >"$STAMPS/$name"
    say "$name: adopted existing binary ($version, $(size_mb "$bin") MB)"
    return
  fi
  local go t0 log="$LOGS/$name-build.log"
  go="$(find_go)"
  say "$name: building $pkg@$version with $("$go" env GOVERSION) (minutes on a cold Go cache; log: $log)"
  rm -f "$STAMPS/$name"
  t0=$SECONDS
  # Build into a scratch GOBIN and move into place, so an interrupted build never leaves a
  # half-written binary behind a valid stamp.
  local tmpbin
  tmpbin="$(mktemp -d "$CACHE/.build-$name.XXXXXX")"
  if ! CGO_ENABLED=0 GOBIN="$tmpbin" "$go" install "$pkg@$version" >"$log" 2>&1; then
    rm -rf "$tmpbin"
    tail -n 30 "$log" >&2
    die "$name: go install $pkg@$version failed (full log: $log)"
  fi
  mv -f "$tmpbin/$built" "$bin"
  rm -rf "$tmpbin"
  echo "$version" >"$STAMPS/$name"
  say "$name: built in $((SECONDS - t0))s, $(size_mb "$bin") MB"
}

# Mailpit's web inbox is not in its Go module as built assets (`go install` gives a blank page), but its
# sources are: build them with npm, then embed them with `go build`. Two pins in its package.json name
# versions this registry does not serve (rapidoc ^12, used only by the API docs page, and the locked
# sass-embedded): resolve without the lockfile and pin rapidoc to 9.3.8. If that fails, fall back to
# `go install` (REST API and SMTP work; the inbox page stays blank) and say so.
install_mailpit() {
  local version=$MAILPIT_VERSION bin="$BIN/mailpit" stamp="$MAILPIT_VERSION+ui"
  if [[ -x "$bin" ]] && stamp_is mailpit "$stamp"; then
    say "mailpit: already installed ($stamp)"
    return
  fi
  local go t0=$SECONDS log="$LOGS/mailpit-build.log" src work
  go="$(find_go)"
  say "mailpit: building $version with its web inbox (npm + go build; log: $log)"
  src="$("$go" mod download -json "github.com/axllent/mailpit@$version" 2>>"$log" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  work="$(mktemp -d "$CACHE/.build-mailpit.XXXXXX")"
  if [[ -n "$src" ]] && cp -r "$src/." "$work/" && chmod -R u+w "$work" && (
      cd "$work" && rm -f package-lock.json &&
      sed -i 's/"rapidoc": "[^"]*"/"rapidoc": "9.3.8"/' package.json &&
      npm install --no-audit --no-fund --ignore-scripts && npm run package &&
      CGO_ENABLED=0 "$go" build -ldflags "-s -w -X github.com/axllent/mailpit/config.Version=$version" -o "$work/mailpit.bin" .
    ) >>"$log" 2>&1 && [[ -s "$work/server/ui/dist/app.js" ]]; then
    mv -f "$work/mailpit.bin" "$bin"
    rm -rf "$work"
    echo "$stamp" >"$STAMPS/mailpit"
    say "mailpit: built with web inbox in $((SECONDS - t0))s, $(size_mb "$bin") MB"
    return
  fi
  rm -rf "$work"
  tail -n 15 "$log" >&2
  say "mailpit: WARNING: could not build the web inbox (see $log); installing without it"
  install_go_tool mailpit github.com/axllent/mailpit "$version"
}

# Docker Compose v2, for `docker compose config` in test/integration/compose.test.ts (needs no Docker engine).
# Its go.mod has `exclude` directives, so `go install module@version` refuses it: fetch the module source from the
# proxy and `go build` it as the main module, version embedded as its Makefile does (`docker-compose version` is
# honest). Linked as a Docker CLI plugin too: `DOCKER_CONFIG=$CACHE/docker docker compose ...` where the docker CLI is.
COMPOSE_VERSION=v2.40.3   # the last v2 module on the proxy (Compose continues as github.com/docker/compose/v5)
install_compose() {
  local name=docker-compose version=$COMPOSE_VERSION bin="$BIN/docker-compose" plugins="$CACHE/docker/cli-plugins"
  local mod=github.com/docker/compose/v2
  mkdir -p "$plugins"
  ln -sfn "$bin" "$plugins/docker-compose"
  if [[ -x "$bin" ]] && stamp_is "$name" "$version"; then
    say "$name: already installed ($version)"
    return
  fi
  if [[ -x "$bin" ]] && [[ "$("$bin" version --short 2>/dev/null)" == "${version#v}" ]]; then
    echo "$version" >"$STAMPS/$name"
    say "$name: adopted existing binary ($version, $(size_mb "$bin") MB)"
    return
  fi
  local go t0=$SECONDS log="$LOGS/$name-build.log" src work
  go="$(find_go)"
  say "$name: building $mod@$version with $("$go" env GOVERSION) (minutes on a cold Go cache; log: $log)"
  rm -f "$STAMPS/$name"
  : >"$log"
  src="$("$go" mod download -json "$mod@$version" 2>>"$log" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [[ -n "$src" ]] || { tail -n 30 "$log" >&2; die "$name: go mod download $mod@$version failed (full log: $log)"; }
  # Build in a writable copy, into a scratch file moved into place: an interrupted build leaves no half binary.
  work="$(mktemp -d "$CACHE/.build-$name.XXXXXX")"
  if ! { cp -r "$src/." "$work/" && chmod -R u+w "$work" && (cd "$work" &&
      CGO_ENABLED=0 "$go" build -trimpath -ldflags "-s -w -X $mod/internal.Version=$version" -o "$work/$name.bin" ./cmd); } >>"$log" 2>&1; then
    rm -rf "$work"
    tail -n 30 "$log" >&2
    die "$name: go build of $mod@$version failed (full log: $log)"
  fi
  mv -f "$work/$name.bin" "$bin"
  rm -rf "$work"
  echo "$version" >"$STAMPS/$name"
  say "$name: built in $((SECONDS - t0))s, $(size_mb "$bin") MB"
}

install_test_server() {
  local pom="$ROOT/scripts/test-server/pom.xml" dir="$CACHE/test-server"
  local lib="$dir/lib" wrapper="$dir/temporal-test-server"
  [[ -f "$pom" ]] || die "missing $pom"
  local want version
  want="$(sha256sum "$pom" | awk '{print $1}')"
  version="$(sed -n 's:.*<temporal.version>\(.*\)</temporal.version>.*:\1:p' "$pom")"
  if [[ -x "$wrapper" ]] && compgen -G "$lib/temporal-test-server-*.jar" >/dev/null && stamp_is test-server "$want"; then
    say "temporal-test-server: already installed ($version)"
    return
  fi
  command -v mvn >/dev/null 2>&1 || die "Maven (mvn) is needed to fetch the Java test server (apt-get install maven)"
  command -v java >/dev/null 2>&1 || die "Java 11+ is needed to run the Java test server (apt-get install openjdk-17-jre-headless)"
  local t0=$SECONDS log="$LOGS/test-server-mvn.log"
  say "temporal-test-server: fetching io.temporal:temporal-test-server:$version from Maven Central"
  rm -f "$STAMPS/test-server"
  rm -rf "$lib.new"
  if ! mvn -q -B -f "$pom" dependency:copy-dependencies \
      -DoutputDirectory="$lib.new" -DincludeScope=runtime >"$log" 2>&1; then
    rm -rf "$lib.new"
    tail -n 30 "$log" >&2
    die "temporal-test-server: mvn dependency:copy-dependencies failed (full log: $log)"
  fi
  rm -rf "$lib"
  mv "$lib.new" "$lib"
  cat >"$wrapper" <<'WRAPPER'
#!/bin/sh
# Temporal's Java time-skipping test server. exec, so the SDK (which kills its direct child) stops the JVM.
# Usage: temporal-test-server PORT [--enable-time-skipping]
DIR="$(cd "$(dirname "$0")" && pwd)"
exec java -cp "$DIR/lib/*" io.temporal.testserver.TestServer "$@"
WRAPPER
  chmod +x "$wrapper"
  echo "$want" >"$STAMPS/test-server"
  say "temporal-test-server: fetched in $((SECONDS - t0))s, $(ls "$lib" | wc -l) jars, $(size_mb "$lib") MB"
}

install_chromium() {
  if [[ "${DOCNOTIFY_WITH_BROWSER:-0}" != "1" ]]; then
    return
  fi
  if [[ -x /usr/bin/chromium ]]; then
    say "chromium: already installed ($(/usr/bin/chromium --version 2>/dev/null | head -n1 || echo '?'))"
    return
  fi
  local sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || die "installing chromium needs root (apt-get install chromium)"
    sudo=(sudo)
  fi
  local t0=$SECONDS log="$LOGS/chromium-apt.log"
  say "chromium: installing the Debian package (log: $log)"
  if ! { "${sudo[@]}" apt-get update && DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y chromium; } >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    die "chromium: apt-get install failed (full log: $log)"
  fi
  say "chromium: installed in $((SECONDS - t0))s"
}

install_node_modules() {
  if [[ "${DOCNOTIFY_SKIP_NPM:-0}" == "1" ]]; then
    return
  fi
  local marker="$ROOT/node_modules/.package-lock.json" lock="$ROOT/package-lock.json"
  if [[ -f "$lock" ]]; then
    if [[ -f "$marker" ]] && ! [[ "$lock" -nt "$marker" ]]; then
      say "node_modules: up to date"
      return
    fi
    local t0=$SECONDS
    say "node_modules: npm ci"
    (cd "$ROOT" && npm ci --no-audit --no-fund)
    say "node_modules: installed in $((SECONDS - t0))s"
  else
    if [[ -f "$marker" ]] && ! [[ "$ROOT/package.json" -nt "$marker" ]]; then
      say "node_modules: up to date (no package-lock.json)"
      return
    fi
    local t0=$SECONDS
    say "node_modules: npm install (no package-lock.json)"
    (cd "$ROOT" && npm install --no-audit --no-fund)
    say "node_modules: installed in $((SECONDS - t0))s"
  fi
}

install_go_tool temporal github.com/temporalio/cli/cmd/temporal "$TEMPORAL_CLI_VERSION"
install_mailpit
# The real server for the cluster tier (~6.5 min on 2 cores the first time; its module also brings the schemas).
install_go_tool temporal-server go.temporal.io/server/cmd/server "$TEMPORAL_SERVER_VERSION" server
install_go_tool temporal-sql-tool go.temporal.io/server/cmd/tools/sql "$TEMPORAL_SERVER_VERSION" sql
install_compose
install_test_server
install_chromium
install_node_modules

say "tools ready in $CACHE ($((SECONDS - START_S))s total)"
