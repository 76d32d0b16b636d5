"""The "text" field of every non-blank line of a JSON Lines file (the corpus splits of `ropelab data
split`), shared by the study's Python helpers; bad input goes to the caller's `fail` (one line, exit 2)."""
import json


def read_texts(path, fail):
    texts = []
    try:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    text = json.loads(line)["text"]
                except (ValueError, TypeError, KeyError):
                    fail(f"{path}:{n}: not a JSON object with a \"text\" string")
                if not isinstance(text, str):
                    fail(f"{path}:{n}: \"text\" is not a string")
                texts.append(text)
    except OSError as e:
        fail(f"{path}: cannot read ({e.strerror})")
    except UnicodeDecodeError:
        fail(f"{path}: not UTF-8")
    return texts
