#!/usr/bin/env bash
# One-time setup of a fresh clone: install npm dependencies (from the lockfile) and build everything.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
npx tsc -b
