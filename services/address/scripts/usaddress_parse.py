"""Runs Python usaddress (PyPI) on addresses for the side-by-side evaluation.

Reads a JSON list of address strings on stdin; writes a JSON list with, per address,
{"tokens": [{"start", "end", "label"}], "tagError": str|null} or {"error": str} when parse() itself raised.
Token offsets are found by searching each returned token in the text, left to right.
`tagError` records whether usaddress.tag() (the structured form users call) raised (e.g. RepeatedLabelError).
"""
import json
import sys

import usaddress


def main() -> None:
    texts = json.load(sys.stdin)
    out = []
    for text in texts:
        try:
            parsed = usaddress.parse(text)
        except Exception as e:  # noqa: BLE001 - every exception counts as a failure
            out.append({"error": f"{type(e).__name__}: {e}"})
            continue
        tokens = []
        pos = 0
        for token, label in parsed:
            at = text.find(token, pos)
            if at < 0:
                continue
            tokens.append({"start": at, "end": at + len(token), "label": label})
            pos = at + len(token)
        tag_error = None
        try:
            usaddress.tag(text)
        except Exception as e:  # noqa: BLE001
            tag_error = f"{type(e).__name__}"
        out.append({"tokens": tokens, "tagError": tag_error})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
