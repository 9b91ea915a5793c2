#!/usr/bin/env bash
# Retrains the address tagger (model/address-crf.json) from ../shared/data (training split only):
# exports features with the TypeScript feature code, trains a CRF with python-crfsuite, installs the model.
# Usage: npm run train -w @clarity/address
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c 'import pycrfsuite' 2>/dev/null || python3 -m pip install --quiet python-crfsuite==0.9.12
work=$(mktemp -d)
node dist/scripts/export-training.js "$work/train.jsonl"
python3 scripts/train_crf.py "$work/train.jsonl" model/address-crf.json --c1 0.1 --c2 0.01 --iterations 200
rm -rf "$work"
