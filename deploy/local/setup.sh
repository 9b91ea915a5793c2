#!/usr/bin/env bash
# One-time setup of a fresh clone: install npm dependencies (from the lockfile) and build everything.
set -euo pipefail
cd "$(dirname "$0")/../.."
# `npm install` (which keeps the lockfile's versions) rather than `npm ci`: npm 11 writes lockfiles without
# other platforms' optional packages (@bufbuild/buf-darwin-*…) and `npm ci` then refuses them as out of sync.
npm install --no-audit --no-fund
npx tsc -b
