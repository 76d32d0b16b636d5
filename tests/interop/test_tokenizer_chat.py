"""Tokenizer and chat template against transformers.

- transformers' LlamaTokenizer on a tokenizer.model trained by `ropelab tokenizer train` gives the
  ids of `ropelab tokenizer encode` on a multilingual sample, with and without BOS: the slow
  SentencePiece tokenizer of 4.x on every text; the tokenizer 5.x converts from tokenizer.model on
  every text without runs of spaces (it splits those differently; documented). Both configured as
  LLaMA-2's tokenizer_config.json (add_bos_token=True, legacy=True).
- Special tokens written in the text ("</s>", "<s>") are the documented difference: transformers
  turns them into control ids, ropelab encodes their characters (a conversation can never inject a
  BOS/EOS into the training data).
- `ropelab tokenizer chat` (the ids fine-tuning trains on) of multi-turn ShareGPT conversations,
  with and without a system prompt, against apply_chat_template with LLaMA-2-chat's template:
  identical with 4.x; with 5.x identical but for one extra "▁" piece before each EOS, which the
  template's ' ' + eos_token produces there (README, "Interoperability with Hugging Face
  transformers", for its effect on the loss mask)."""
import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from interop_common import ROOT, _python, ropelab  # noqa: E402

CORPUS = os.path.join(ROOT, "data", "corpus", "fortunes-min.txt")
TEXTS = [
    "Hello world. The quick brown fox jumps over the lazy dog.",
    "Größenwahn und Übermut: schöne Grüße aus München!",
    "L'été dernier, nous étions à Paris; ça a été génial.",
    "Привет, как дела? Всё хорошо.",
    "你好，世界。今天天气很好。",
    "日本語のテキストとカタカナ、ひらがな。",
    "مرحبا بالعالم",
    "Numbers 1234567890 and 3.14159, emoji 🙂🚀, tabs\tand\nnew lines.",
    "  two leading spaces and double  spaces inside",
]
SPECIAL = ["The answer is 4.</s>", "<s>[INST] hi [/INST]"]
SYSTEM = "You are a helpful, concise assistant."
CONVS = [
    [("human", "What is the capital of France?"), ("gpt", "The capital of France is Paris."),
     ("human", "And of Germany?"), ("gpt", "Berlin.")],
    [("system", SYSTEM), ("human", "Translate 'chat' to German."), ("gpt", "Katze."),
     ("human", "Und 'Hund'? Ответь кратко."), ("gpt", "Hund bleibt Hund."),
     ("human", "Thanks!"), ("gpt", "You're welcome.")],
]
ROLE = {"human": "user", "gpt": "assistant", "system": "system"}


class TokenizerAndChat(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        t = cls.tmp.name
        cls.model = os.path.join(t, "tokenizer.model")
        ropelab("tokenizer", "train", "--input", CORPUS, "--out", cls.model, "--vocab-size", "1000", "--threads", "1")
        req = os.path.join(t, "req.json")
        chats = [[{"role": ROLE[r], "content": v} for r, v in c] for c in CONVS]
        with open(req, "w") as f:
            json.dump({"model": cls.model, "texts": TEXTS + SPECIAL, "chats": chats}, f)
        cls.hf = {}
        for version, hf4 in (("4.x", True), ("5.x", False)):
            out = os.path.join(t, f"hf-{version}.json")
            _python("hf_tokenize.py", [req, out], hf4)
            with open(out) as f:
                cls.hf[version] = json.load(f)
        sharegpt = os.path.join(t, "chat.json")
        with open(sharegpt, "w") as f:
            json.dump([{"id": str(i), "conversations": [{"from": r, "value": v} for r, v in c]}
                       for i, c in enumerate(CONVS)], f)
        lines = ropelab("tokenizer", "chat", "--tokenizer", cls.model, "--data", sharegpt).stdout.splitlines()
        cls.chat = [json.loads(x) for x in lines]

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def encode(self, text, bos):
        args = ["tokenizer", "encode", "--tokenizer", self.model, "--text", text] + (["--bos"] if bos else [])
        return [int(x) for x in ropelab(*args).stdout.split()]

    def test_encode_equals_hf_with_and_without_bos(self):
        for i, text in enumerate(TEXTS):
            for bos in (True, False):
                ours = self.encode(text, bos)
                for version, hf in self.hf.items():
                    if version == "5.x" and "  " in text:
                        continue  # documented: 5.x's converted tokenizer splits runs of spaces differently
                    with self.subTest(text=text, bos=bos, transformers=version):
                        self.assertEqual(ours, hf["bos" if bos else "plain"][i], hf["class"])

    def test_special_tokens_in_text_are_characters_for_ropelab(self):
        eos, bos = 2, 1
        for j, text in enumerate(SPECIAL):
            ours = self.encode(text, False)
            self.assertNotIn(eos, ours)
            self.assertNotIn(bos, ours)
            for version, hf in self.hf.items():
                theirs = hf["plain"][len(TEXTS) + j]
                with self.subTest(text=text, transformers=version):
                    self.assertTrue(eos in theirs or bos in theirs, theirs)

    def test_chat_ids_equal_hf_template(self):
        eos = 2
        for c, ours in enumerate(self.chat):
            ids, mask = ours["ids"], ours["assistant"]
            for version, hf in self.hf.items():
                theirs = hf["chat"][c]
                with self.subTest(conversation=c, transformers=version):
                    if version == "4.x":
                        self.assertEqual(ids, theirs, f"{hf['chat_text'][c]!r}")
                        continue
                    # 5.x: ' ' + eos_token gives one piece before each EOS; without it, ours.
                    before_eos = [k - 1 for k in range(1, len(theirs)) if theirs[k] == eos]
                    self.assertEqual(len({theirs[k] for k in before_eos}), 1, theirs)
                    self.assertEqual(ids, [x for k, x in enumerate(theirs) if k not in before_eos])
            # The loss mask: each answer and its EOS, nothing of the prompts (BOS, [INST] ... [/INST]).
            eos_at = [k for k, x in enumerate(ids) if x == eos]
            self.assertEqual(len(eos_at), sum(1 for r, _ in CONVS[c] if r == "gpt"))
            bos_at = [k for k, x in enumerate(ids) if x == 1]
            self.assertEqual(len(bos_at), len(eos_at))
            for k in eos_at:
                self.assertEqual(mask[k], 1)
            for k in bos_at:
                self.assertEqual(mask[k], 0)
            answers = sum(len(self.encode(v.strip(), False)) + 1 for r, v in CONVS[c] if r == "gpt")
            self.assertEqual(sum(mask), answers)

if __name__ == "__main__":
    unittest.main(verbosity=2)
