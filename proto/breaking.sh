#!/usr/bin/env bash
# buf breaking against the last commit of main (or the previous commit when on main itself).
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
BUF=node_modules/.bin/buf
branch=$(git rev-parse --abbrev-ref HEAD 2>/dev/null || echo HEAD)
if [ "$branch" != "main" ] && git rev-parse --verify -q main >/dev/null; then
  against="main"
elif git rev-parse --verify -q HEAD~1 >/dev/null; then
  against="HEAD~1"
else
  echo "buf breaking: no earlier commit to compare with; skipped"; exit 0
fi
if ! git cat-file -e "$against:proto/buf.yaml" 2>/dev/null; then
  echo "buf breaking: $against has no proto/buf.yaml; skipped"; exit 0
fi
echo "buf breaking: proto/ against $against"
"$BUF" breaking proto --against ".git#ref=$against,subdir=proto"
