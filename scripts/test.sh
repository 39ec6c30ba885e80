#!/usr/bin/env bash
# The project's one test command (npm test): system packages, type check, unit + network tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system-packages.sh
bash docker/ensure-engine.sh  # the containers driver's tests need an engine; starts dockerd as root on Debian
npx tsc --noEmit
npx vitest run "$@"
npx playwright test  # the HTML reports in Debian's Chromium (playwright.config.ts)
