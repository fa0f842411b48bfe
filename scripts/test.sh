#!/usr/bin/env bash
# `npm test`: installs what is missing, then runs every tier — lint, types, unit, integration (real Temporal
# dev server, Mailpit, PostgreSQL started here and stopped at the end), cluster (the real Temporal server on
# PostgreSQL with 2 docnotify workers and 2 web processes: `npm run cluster`, docs/cluster.md), benchmark smoke.
# Extra args go to the integration jest run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
T0=$SECONDS
step() { printf '\n==> %s (+%ss)\n' "$*" "$((SECONDS - T0))"; }

step "install tools"
DOCNOTIFY_WITH_BROWSER=${DOCNOTIFY_WITH_BROWSER:-1} bash scripts/install-tools.sh

step "lint (eslint; dependency-cruiser: layers and cycles)"
npm run --silent lint

step "type check"
npx tsc --noEmit -p .

step "production build (what the Docker image runs)"
npm run --silent build
node dist/cli/main.js --help > /dev/null

RESULTS="$(mktemp -d -t docnotify-results-XXXXXX)"
trap 'rm -rf "$RESULTS"' EXIT
step "unit tests"
npx jest --selectProjects unit --ci --json --outputFile="$RESULTS/unit.json"

step "start Temporal dev server, Mailpit, PostgreSQL"
RUN_DIR="$(mktemp -d -t docnotify-test-XXXXXX)"
node --import tsx src/dev/stack.ts --env-out "$RUN_DIR/stack.env" --data-dir "$RUN_DIR/data" > "$RUN_DIR/stack.log" 2>&1 &
STACK_PID=$!
CLUSTER_PID=""
cleanup() {
  if [[ -n "$CLUSTER_PID" ]]; then kill -TERM "$CLUSTER_PID" 2>/dev/null || true; wait "$CLUSTER_PID" 2>/dev/null || true; fi
  kill -TERM "$STACK_PID" 2>/dev/null || true
  wait "$STACK_PID" 2>/dev/null || true
  cat "$RUN_DIR/stack.log" | tail -n 5 || true
  rm -rf "$RUN_DIR" "$RESULTS"
}
trap cleanup EXIT
for _ in $(seq 1 180); do
  [[ -f "$RUN_DIR/stack.env" ]] && break
  kill -0 "$STACK_PID" 2>/dev/null || { cat "$RUN_DIR/stack.log"; echo "the test stack failed to start" >&2; exit 1; }
  sleep 1
done
[[ -f "$RUN_DIR/stack.env" ]] || { cat "$RUN_DIR/stack.log"; echo "the test stack did not start in 180 s" >&2; exit 1; }
cat "$RUN_DIR/stack.log"
set -a; . "$RUN_DIR/stack.env"; set +a
export DOCNOTIFY_TEST_ARTIFACTS="${DOCNOTIFY_TEST_ARTIFACTS:-$ROOT/test-results}"

step "integration tests"
npx jest --selectProjects integration --ci --runInBand --forceExit --json --outputFile="$RESULTS/integration.json" "$@"

step "chaos smoke (npm run chaos -- --quick: its own Temporal, PostgreSQL and SMTP; worker kills, SMTP 421, restarts; docs/chaos.md)"
node --import tsx test/chaos/run.ts --quick --out "$RUN_DIR/chaos.json" > "$RUN_DIR/chaos.log" 2>&1 || { tail -n 80 "$RUN_DIR/chaos.log"; echo "the chaos smoke run failed" >&2; exit 1; }
sed -n '/^chaos quick/,$p' "$RUN_DIR/chaos.log"

step "cluster tier: start (npm run cluster: temporal-server on PostgreSQL, 2 workers, 2 web processes)"
CLUSTER_T0=$SECONDS
node --import tsx src/dev/cluster.ts --env-out "$RUN_DIR/cluster.env" --data-dir "$RUN_DIR/cluster" > "$RUN_DIR/cluster.log" 2>&1 &
CLUSTER_PID=$!
for _ in $(seq 1 300); do
  [[ -f "$RUN_DIR/cluster.env" ]] && break
  kill -0 "$CLUSTER_PID" 2>/dev/null || { cat "$RUN_DIR/cluster.log"; echo "the cluster failed to start" >&2; exit 1; }
  sleep 1
done
[[ -f "$RUN_DIR/cluster.env" ]] || { cat "$RUN_DIR/cluster.log"; echo "the cluster did not start in 300 s" >&2; exit 1; }
cat "$RUN_DIR/cluster.log"
step "cluster tests"
# In a subshell: the cluster's addresses must not replace the dev stack's for the steps after this one.
if ! ( set -a; . "$RUN_DIR/cluster.env"; set +a
       npx jest --selectProjects cluster --ci --runInBand --forceExit --json --outputFile="$RESULTS/cluster.json" ); then
  tail -n 20 "$RUN_DIR/cluster.log"
  for f in "$RUN_DIR"/cluster/worker-*.log "$RUN_DIR"/cluster/web-*.log; do echo "--- $f"; tail -n 15 "$f"; done
  if [[ -n "${DOCNOTIFY_TEST_ARTIFACTS:-}" ]]; then
    mkdir -p "$DOCNOTIFY_TEST_ARTIFACTS/cluster" && cp "$RUN_DIR"/cluster/*.log "$DOCNOTIFY_TEST_ARTIFACTS/cluster/" 2>/dev/null || true
    echo "cluster logs copied to $DOCNOTIFY_TEST_ARTIFACTS/cluster" >&2
  fi
  echo "the cluster tests failed" >&2
  exit 1
fi
kill -TERM "$CLUSTER_PID"; wait "$CLUSTER_PID" || true; CLUSTER_PID=""
tail -n 2 "$RUN_DIR/cluster.log"
echo "cluster tier: $((SECONDS - CLUSTER_T0))s including start and stop"

step "benchmark smoke (npm run bench -- --quick: every part, small; the full run is not part of the tests)"
node --import tsx bench/run.ts --quick > "$RUN_DIR/bench.log" 2>&1 || { tail -n 60 "$RUN_DIR/bench.log"; echo "the benchmark smoke run failed" >&2; exit 1; }
sed -n '/^ *floor  *docnotify/,$p' "$RUN_DIR/bench.log"

step "all tiers passed in $((SECONDS - T0))s"
# One closing line in the plain form CI reads: "tests: N passed, N failed".
node -e '
  const r = process.argv.slice(1).map((f) => require(f));
  const sum = (k) => r.reduce((n, x) => n + x[k], 0);
  console.log(`tests: ${sum("numPassedTests")} passed, ${sum("numFailedTests")} failed`);
' "$RESULTS/unit.json" "$RESULTS/integration.json" "$RESULTS/cluster.json"
