#!/usr/bin/env bash
# Retrains the address tagger (model/address-crf.json) from ../shared/data (training split only):
#   1. exports features with the service's own TypeScript feature code and trains a CRF (python-crfsuite);
#   2. trains two cross-validation fold models (training split minus a fold) and fits the probability
#      temperature on their folds, so confidences are calibrated on records each model never saw.
# The held-out evaluation split is never read. Takes ~10 minutes on 2 cores.
# Usage: npm run train -w @clarity/address
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c 'import pycrfsuite' 2>/dev/null || python3 -m pip install --quiet python-crfsuite==0.9.12
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
node dist/scripts/export-training.js "$work/train.jsonl"
python3 scripts/train_crf.py "$work/train.jsonl" model/address-crf.json --c1 0.1 --c2 0.01 --iterations 200
for i in 0 1; do
  node dist/scripts/export-training.js "$work/cv-$i.jsonl" --fold "$i/5"
  python3 scripts/train_crf.py "$work/cv-$i.jsonl" "$work/cv-$i.json" --c1 0.1 --c2 0.01 --iterations 150
done
node dist/scripts/fit-temperature.js model/address-crf.json "$work/cv-0.json" 0/5 "$work/cv-1.json" 1/5
