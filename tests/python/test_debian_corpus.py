#!/usr/bin/python3
"""experiments/extract_debian_corpus.py on the installed Debian packages: the file it writes has the
sha256 pinned in data/README.md (computed by `sha256sum`) and the documents counted there, the Bible's
books have their known chapter and verse counts; a pin that disagrees with the package version or the
text is exit 2 with one line naming both values and the pin file, and nothing is written; an existing
output is kept without --overwrite. Exit 77 (CTest: skipped) when a package is not installed."""
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
README = os.path.join(ROOT, "data", "README.md")
PINNED = {"bible-kjv": "4.38", "bible-kjv-text": "4.38", "debian-reference-en": "2.100",
          "gnu-standards": "2022.03.23-0.1"}
SHA256 = "95107533f64159afc9575cac19418568253d9db006ff8e482b8bb4dccd760ff4"

for _package in PINNED:
    _p = subprocess.run(["dpkg-query", "-W", "-f=${db:Status-Status}", _package], capture_output=True, text=True)
    if _p.stdout != "installed":
        print(f"skipped: {_package} is not installed (make setup)")
        sys.exit(77)


class DebianCorpus(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.out = os.path.join(self.tmp.name, "corpus.jsonl")

    def tearDown(self):
        self.tmp.cleanup()

    def extract(self, *extra):
        return subprocess.run([sys.executable, "experiments/extract_debian_corpus.py", self.out, *extra],
                              capture_output=True, text=True, cwd=ROOT)

    def tampered_pins(self, old, new):
        with open(README, encoding="utf-8") as f:
            text = f.read()
        self.assertEqual(text.count(old), 1, old)
        pins = os.path.join(self.tmp.name, "README.md")
        with open(pins, "w", encoding="utf-8") as f:
            f.write(text.replace(old, new))
        return pins

    def assert_refused(self, p, *parts):
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
        for part in parts:
            self.assertIn(part, p.stderr)
        self.assertFalse(os.path.exists(self.out))
        self.assertFalse(os.path.exists(self.out + ".tmp"))

    def test_creates_a_missing_output_directory(self):
        # run_mini.sh writes <out>/data/corpus.jsonl into a fresh <out>: the script makes the folder.
        self.out = os.path.join(self.tmp.name, "fresh", "data", "corpus.jsonl")
        p = self.extract()
        self.assertEqual(p.returncode, 0, p.stderr)
        sha = subprocess.run(["sha256sum", self.out], capture_output=True, text=True, check=True).stdout.split()[0]
        self.assertEqual(sha, SHA256)

    def test_pinned_text_and_counts(self):
        with open(README, encoding="utf-8") as f:
            readme = f.read()
        for package, version in PINNED.items():
            self.assertIn(f"\npin: {package} {version}\n", readme)
        self.assertIn(f"\npin: sha256 {SHA256}\n", readme)
        p = self.extract()
        self.assertEqual(p.returncode, 0, p.stderr)
        sha = subprocess.run(["sha256sum", self.out], capture_output=True, text=True, check=True).stdout.split()[0]
        self.assertEqual(sha, SHA256)
        with open(self.out, encoding="utf-8") as f:
            docs = [json.loads(line) for line in f]
        self.assertEqual([sorted(d) for d in docs], [["source", "text"]] * 70)
        sources = [d["source"] for d in docs]
        self.assertEqual([s.split(":")[0] for s in sources],
                         ["bible-kjv-text"] * 55 + ["debian-reference-en"] * 13 + ["gnu-standards"] * 2)
        self.assertEqual(sources[55:57], ["debian-reference-en:Preface",
                                          "debian-reference-en:Chapter 1. GNU/Linux tutorials"])
        self.assertEqual(sources[-2:], ["gnu-standards:standards", "gnu-standards:maintain"])
        self.assertEqual(sum(len(d["text"].encode("utf-8")) for d in docs), 5200603)
        self.assertEqual(len({d["text"] for d in docs}), 70)
        self.assertGreaterEqual(min(len(d["text"].encode("utf-8")) for d in docs), 8000)
        self.assertNotIn("bible-kjv-text:Obadiah", sources)  # one chapter, < 8,000 bytes
        # The KJV's Genesis has 50 chapters and 1,533 verses; Revelation 22 and 404.
        for book, chapters, verses in [("Genesis", 50, 1533), ("Revelation", 22, 404)]:
            lines = [line for line in docs[sources.index(f"bible-kjv-text:{book}")]["text"].split("\n") if line]
            heads = [line for line in lines if re.fullmatch(rf"{book} \d+", line)]
            self.assertEqual(heads, [f"{book} {i}" for i in range(1, chapters + 1)])
            self.assertEqual(len(lines) - len(heads), verses)
        self.assertTrue(docs[0]["text"].startswith(
            "Genesis 1\n\nIn the beginning God created the heaven and the earth.\nAnd the earth was without form"))
        for d in docs:
            self.assertNotIn("\t", d["text"])
            self.assertNotIn("\u00a0", d["text"])
            self.assertNotIn("\n\n\n", d["text"])

    def test_tampered_sha256_refused(self):
        other = "0" * 64
        pins = self.tampered_pins(f"pin: sha256 {SHA256}", f"pin: sha256 {other}")
        self.assert_refused(self.extract("--pins", pins), SHA256, other, pins, self.out)

    def test_tampered_version_refused(self):
        pins = self.tampered_pins("pin: gnu-standards 2022.03.23-0.1", "pin: gnu-standards 2022.03.23-0.2")
        self.assert_refused(self.extract("--pins", pins), "gnu-standards", "2022.03.23-0.1", "2022.03.23-0.2", pins)

    def test_missing_pin_refused(self):
        pins = self.tampered_pins("pin: bible-kjv 4.38\n", "")
        self.assert_refused(self.extract("--pins", pins), pins, "pin: bible-kjv VERSION")

    def test_malformed_sha256_pin_refused(self):
        pins = self.tampered_pins(f"pin: sha256 {SHA256}", "pin: sha256 abc")
        self.assert_refused(self.extract("--pins", pins), pins, "pin: sha256 abc", "not 64 lowercase hex digits")

    def test_existing_output_kept_without_overwrite(self):
        with open(self.out, "w") as f:
            f.write("keep\n")
        p = self.extract()
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn(f"{self.out}: exists; pass --overwrite", p.stderr)
        with open(self.out) as f:
            self.assertEqual(f.read(), "keep\n")
        self.assertEqual(self.extract("--overwrite").returncode, 0)
        with open(self.out, "rb") as f:
            self.assertEqual(len(f.read()), 5268766)


if __name__ == "__main__":
    unittest.main()
