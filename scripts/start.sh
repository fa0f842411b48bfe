#!/usr/bin/env bash
# `npm start`: installs what is missing, then runs the whole local system (`docnotify dev`).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/install-tools.sh
exec node --import tsx src/cli/main.ts dev
