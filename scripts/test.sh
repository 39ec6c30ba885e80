#!/usr/bin/env bash
# The project's one test command (npm test): system packages, type check, import boundaries, unit + network tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system-packages.sh
bash docker/ensure-engine.sh  # the containers driver's tests need an engine; starts dockerd as root on Debian
npx tsc --noEmit
npm run --silent lint  # the doors between rooms (.dependency-cruiser.cjs)
npx vitest run "$@"
npx playwright test  # the HTML reports in Debian's Chromium (playwright.config.ts)
