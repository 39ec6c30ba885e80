#!/usr/bin/env bash
# The project's one test command (npm test): system packages, type check, unit + network tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system-packages.sh
npx tsc --noEmit
npx vitest run "$@"
