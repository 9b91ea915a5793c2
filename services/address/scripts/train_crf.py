"""Trains the address tagger: a linear-chain CRF (python-crfsuite, L-BFGS with L1+L2) on the features the
TypeScript export wrote, and writes the compact JSON model the service loads (model/address-crf.json).

Usage: python3 train_crf.py <train.jsonl> <model.json> [--c1 0.05] [--c2 0.01] [--iterations 300]
The features are computed by src/domain/features.ts (one implementation for training and run time).
"""
import argparse
import json
import os
import tempfile

import pycrfsuite


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("train")
    ap.add_argument("out")
    ap.add_argument("--c1", type=float, default=0.05)
    ap.add_argument("--c2", type=float, default=0.01)
    ap.add_argument("--iterations", type=int, default=300)
    args = ap.parse_args()

    trainer = pycrfsuite.Trainer(verbose=False)
    sequences = 0
    with open(args.train) as f:
        for line in f:
            if not line.strip():
                continue
            ex = json.loads(line)
            trainer.append([{k: 1.0 for k in feats} for feats in ex["x"]], ex["y"])
            sequences += 1
    trainer.set_params({
        "c1": args.c1,
        "c2": args.c2,
        "max_iterations": args.iterations,
        "feature.possible_transitions": True,
        "feature.minfreq": 1,
    })
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "model.crfsuite")
        trainer.train(path)
        tagger = pycrfsuite.Tagger()
        tagger.open(path)
        info = tagger.info()
        labels = sorted(info.labels.keys(), key=lambda l: info.labels[l])
        index = {l: i for i, l in enumerate(labels)}
        transitions = [[0.0] * len(labels) for _ in labels]
        for (a, b), w in info.transitions.items():
            transitions[index[a]][index[b]] = round(w, 5)
        features: dict = {}
        for (attr, label), w in info.state_features.items():
            if abs(w) < 1e-4:
                continue
            features.setdefault(attr, []).extend([index[label], round(w, 5)])
        model = {
            "format": "clarity-address-crf/1",
            "trainer": {"algorithm": "lbfgs", "c1": args.c1, "c2": args.c2, "iterations": args.iterations,
                        "sequences": sequences},
            "labels": labels,
            "transitions": transitions,
            "features": features,
        }
    with open(args.out, "w") as f:
        json.dump(model, f, separators=(",", ":"))
    print(json.dumps({"out": args.out, "labels": len(labels), "attributes": len(features),
                      "weights": sum(len(v) // 2 for v in features.values()),
                      "bytes": os.path.getsize(args.out)}))


if __name__ == "__main__":
    main()
