"""Tokenizes with the transformers on PYTHONPATH: the slow SentencePiece LlamaTokenizer of 4.x
(the overlay) or the LlamaTokenizer 5.x converts from tokenizer.model. Both as LLaMA-2's
tokenizer_config.json sets them: add_bos_token=True, add_eos_token=False and no `legacy` key, which
means legacy=True (the warning transformers prints for LLaMA-2).

  hf_tokenize.py REQUEST_JSON OUT_JSON
REQUEST: {"model": tokenizer.model, "texts": [...], "chats": [[{"role", "content"}, ...], ...]}
OUT: {"transformers", "class", "bos": [[ids]], "plain": [[ids]], "chat": [[ids]], "chat_text": [str]}"""
import json
import os
import shutil
import sys
import tempfile

import transformers
from transformers import LlamaTokenizer

# LLaMA-2-chat's template (tokenizer_config.json of meta-llama/Llama-2-7b-chat-hf).
LLAMA2_CHAT_TEMPLATE = (
    "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}"
    "{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}"
    "{% set system_message = false %}{% endif %}{% for message in loop_messages %}"
    "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
    "{% if loop.index0 == 0 and system_message != false %}"
    "{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}"
    "{% else %}{% set content = message['content'] %}{% endif %}"
    "{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}"
    "{% elif message['role'] == 'assistant' %}{{ ' '  + content.strip() + ' ' + eos_token }}{% endif %}"
    "{% endfor %}")


def load(model):
    kw = {"legacy": True, "add_bos_token": True, "add_eos_token": False}
    if transformers.__version__.startswith("4."):
        return LlamaTokenizer(vocab_file=model, **kw)
    d = tempfile.mkdtemp()
    shutil.copy(model, os.path.join(d, "tokenizer.model"))
    return LlamaTokenizer.from_pretrained(d, **kw)


def ids_of(x):
    if isinstance(x, dict) or hasattr(x, "keys"):
        x = x["input_ids"]
    return [int(i) for i in x]


def main():
    with open(sys.argv[1]) as f:
        req = json.load(f)
    tok = load(req["model"])
    out = {"transformers": transformers.__version__, "class": type(tok).__name__,
           "bos": [tok(t, add_special_tokens=True)["input_ids"] for t in req["texts"]],
           "plain": [tok(t, add_special_tokens=False)["input_ids"] for t in req["texts"]],
           "chat": [ids_of(tok.apply_chat_template(c, chat_template=LLAMA2_CHAT_TEMPLATE, tokenize=True))
                    for c in req["chats"]],
           "chat_text": [tok.apply_chat_template(c, chat_template=LLAMA2_CHAT_TEMPLATE, tokenize=False)
                         for c in req["chats"]]}
    with open(sys.argv[2], "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
