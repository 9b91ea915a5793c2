#!/usr/bin/env bash
# Cross-validation on the training part only (the tuning loop; the held-out split is never read):
# for each fold i of k, exports the training set without fold i, trains, and scores fold i.
# Usage: bash scripts/cv.sh "0 1 2 3 4" 5 [train_crf.py options, e.g. --c1 0.1 --c2 0.01]
# SHOW=1 prints the wrong records; KEEP=dir keeps the fold models there; DATA=dir keeps the exported
# fold training sets there and reuses them (for parameter sweeps with unchanged features).
set -euo pipefail
cd "$(dirname "$0")/.."
folds="$1"; k="$2"; shift 2
work=${KEEP:-$(mktemp -d)}
data=${DATA:-$work}
mkdir -p "$work" "$data"
for i in $folds; do
  [ -s "$data/cv-$i.jsonl" ] || node dist/scripts/export-training.js "$data/cv-$i.jsonl" --fold "$i/$k" >/dev/null
  python3 scripts/train_crf.py "$data/cv-$i.jsonl" "$work/cv-$i.json" "$@" >/dev/null
  [ -n "${DATA:-}" ] || rm -f "$data/cv-$i.jsonl"
  node dist/scripts/dev-eval.js "$work/cv-$i.json" "$i/$k" ${SHOW:+--show}
done
[ -n "${KEEP:-}" ] || rm -rf "$work"
