#!/usr/bin/env bash
# Cross-validation on the training part only (tuning loop): exports fold i of k, trains, scores.
# Usage: bash scripts/cv.sh "0 1 2" 5 [--c1 x --c2 y]
set -euo pipefail
cd "$(dirname "$0")/.."
folds="$1"; k="$2"; shift 2
for i in $folds; do
  node dist/scripts/export-training.js "/tmp/cv-$i.jsonl" --fold "$i/$k" >/dev/null
  python3 scripts/train_crf.py "/tmp/cv-$i.jsonl" "/tmp/cv-$i.json" "$@" >/dev/null
  node dist/scripts/dev-eval.js "/tmp/cv-$i.json" "$i/$k" ${SHOW:+--show}
done
