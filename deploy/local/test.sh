#!/usr/bin/env bash
# The test command: builds, checks the contracts (buf lint, generated code up to date, buf breaking),
# installs the real tools the integration tests need, and runs every test file with node's runner.
# Usage: npm test [-- <path filter>]
set -euo pipefail
cd "$(dirname "$0")/../.."
filter="${1:-}"

[ -d node_modules ] || bash deploy/local/setup.sh

echo "== contracts: buf lint, regenerate (must leave no diff), buf breaking"
bash proto/generate.sh
if ! git diff --quiet -- proto/gen; then
  echo "generated code in proto/gen is stale: run 'npm run proto:gen' and commit" >&2
  git --no-pager diff --stat -- proto/gen >&2
  exit 1
fi
bash proto/breaking.sh

echo "== build"
npx tsc -b

echo "== tools"
TOOLS_BIN=$(bash deploy/tools/install.sh)
export CLARITY_FERRETDB_BIN="$TOOLS_BIN/ferretdb" CLARITY_GRPCURL_BIN="$TOOLS_BIN/grpcurl"

echo "== tests"
mapfile -t files < <(find proto services gateway -path '*/node_modules' -prune -o -path '*/dist/test/*' -name '*.test.js' -print | sort | grep -- "$filter")
node --test --test-reporter=spec --test-timeout=600000 "${files[@]}"
