"""A fair usaddress baseline: usaddress's own tokenizer and features (imported from the PyPI package) and
its CRF setup, trained only on OUR training records (the same ones our model sees, without our synthetic
augmentation) and scored on records it has not seen. The stock usaddress model was trained on all of
usaddress-train.xml, held-out split included, so its score there is a training-set score.

Reads JSON on stdin: {"train": [{"text", "gold": [{"start","end","label"}]}], "test": ["text", ...]}
Writes JSON: per test text {"tokens": [{"start","end","label"}]}.
"""
import json
import os
import sys
import tempfile

import pycrfsuite
import usaddress


def offsets(text, tokens):
    out, pos = [], 0
    for tok in tokens:
        at = text.find(tok, pos)
        if at < 0:
            out.append(None)
            continue
        out.append((at, at + len(tok)))
        pos = at + len(tok)
    return out


def main() -> None:
    data = json.load(sys.stdin)
    trainer = pycrfsuite.Trainer(verbose=False)
    for rec in data["train"]:
        text = rec["text"]
        toks = usaddress.tokenize(text)
        if not toks:
            continue
        labels = []
        for span in offsets(text, toks):
            label = "NotAddress"
            if span:
                for g in rec["gold"]:
                    if g["start"] <= span[0] < g["end"] or span[0] <= g["start"] < span[1]:
                        label = g["label"]
                        break
            labels.append(label)
        trainer.append(usaddress.tokens2features(toks), labels)
    # parserator's training parameters for usaddress.
    trainer.set_params({"c1": 0.1, "c2": 0.01, "max_iterations": 100, "feature.possible_transitions": True})
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "m.crfsuite")
        trainer.train(path)
        tagger = pycrfsuite.Tagger()
        tagger.open(path)
        out = []
        for text in data["test"]:
            toks = usaddress.tokenize(text)
            if not toks:
                out.append({"tokens": []})
                continue
            tags = tagger.tag(usaddress.tokens2features(toks))
            out.append({"tokens": [{"start": s[0], "end": s[1], "label": l} for s, l in zip(offsets(text, toks), tags) if s]})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
