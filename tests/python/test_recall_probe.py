#!/usr/bin/python3
"""experiments/recall_probe.py: the lookup items cut from hand-written kv and randfacts documents (the
expected prompts and answers written out here), the first-word scoring rule, and bad input refused
with one line and exit 2."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SCRIPT = os.path.join(ROOT, "experiments", "recall_probe.py")

KV = ("Some text. The magic number for brisk-lantern is 1982444. More text and The magic number for grand-canyon "
      "is 7393720. End.\n\nWhat is the magic number for grand-canyon? The magic number for grand-canyon is 7393720")
# Keys share words ("rain heat", "rain calledst"): the item is the last mention of a stated key, here a question.
RF = ("The number of rain heat is chosen. The number of rain calledst is swifter. The number of noph heat is ink. "
      "What is the number of rain heat? chosen. The number of rain calledst is swifter. The number of noph exalt is "
      "ethiopia. What is the number of noph heat? ink.")
RF_STATEMENT = "lark moss is 42. reed moss is 17. fern lark is 99. reed moss is 17."


def run(*args):
    return subprocess.run([sys.executable, SCRIPT, *args], capture_output=True, text=True, cwd=ROOT)


class RecallProbe(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, name, rows):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
        return path

    def items(self, kind, texts):
        src = self.write("docs.jsonl", [{"text": t, "task": kind} for t in texts])
        out = os.path.join(self.dir, "items.jsonl")
        p = run("items", kind, src, out)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(out) as f:
            return [json.loads(line) for line in f]

    def test_kv_item_is_the_question_echo_and_its_seven_digits(self):
        (it,) = self.items("kv", [KV])
        self.assertEqual(it["answer"], "7393720")
        self.assertEqual(it["form"], "kv")
        self.assertTrue(it["prompt"].endswith("? The magic number for grand-canyon is"), it["prompt"][-60:])

    def test_randfacts_item_is_the_last_mention_of_a_stated_key(self):
        q, s = self.items("randfacts", [RF, RF_STATEMENT])
        self.assertEqual((q["answer"], q["form"]), ("ink", "question"))
        self.assertTrue(q["prompt"].endswith("ethiopia. What is the number of noph heat?"), q["prompt"][-50:])
        self.assertEqual((s["answer"], s["form"], s["prompt"]),
                         ("17", "statement", "lark moss is 42. reed moss is 17. fern lark is 99. reed moss is"))

    def test_score_counts_first_words_by_form(self):
        pred = self.write("pred.jsonl", [
            {"answer": "7393720", "form": "kv", "prediction": "7393720\nWhat"},
            {"answer": "739", "form": "kv", "prediction": "7393720"},       # a longer number is wrong
            {"answer": "ink", "form": "question", "prediction": "ink. The number"},
            {"answer": "ink", "form": "question", "prediction": "inkwell."},
            {"answer": "17", "form": "statement", "prediction": ""}])
        p = run("score", pred)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(json.loads(p.stdout),
                         {"correct": 2, "items": 5, "by_form": {"kv": "1/2", "question": "1/2", "statement": "0/1"}})

    def test_bad_input_is_one_line_and_exit_2(self):
        text_doc = self.write("text.jsonl", [{"text": "Plain corpus text without any lookup at all"}])
        bad_json = self.write("bad.jsonl", [{"text": "x is 1."}, "{not json"])
        missing = os.path.join(self.dir, "missing.jsonl")
        out = os.path.join(self.dir, "o.jsonl")
        cases = [
            (("items", "randfacts", text_doc, out),
             f"recall_probe: {text_doc}:1: no randfacts lookup in the document (is it a `--mix randfacts=1` document?)"),
            (("items", "kv", bad_json, out), f"recall_probe: {bad_json}:2: not a JSON object with string fields text"),
            (("score", missing), f"recall_probe: {missing}: No such file or directory"),
            (("score", bad_json), f"recall_probe: {bad_json}:1: not a JSON object with string fields answer, form, prediction"),
        ]
        for args, msg in cases:
            p = run(*args)
            self.assertEqual((p.returncode, p.stderr.strip()), (2, msg))
        self.assertFalse(os.path.exists(out))

    def test_run_reports_a_failed_generate(self):
        items = self.write("items.jsonl", [{"prompt": "a is", "answer": "1", "form": "kv"}])
        out = os.path.join(self.dir, "pred.jsonl")
        p = run("run", items, "--model", os.path.join(self.dir, "no-model"), "--out", out, "--bin", "/bin/false")
        self.assertEqual(p.returncode, 2)
        self.assertTrue(p.stderr.strip().startswith("recall_probe: /bin/false generate failed on item 1"), p.stderr)
        self.assertFalse(os.path.exists(out))


if __name__ == "__main__":
    unittest.main()
