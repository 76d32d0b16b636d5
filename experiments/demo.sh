#!/usr/bin/env bash
# `make demo`: the main job on the embedded default configuration.
# Stage by stage, reusing finished stages (pass --fresh to redo them):
#   1. train a SentencePiece tokenizer on the text shipped in data/corpus
#   2. initialise a tiny LLaMA (preset "tiny") with that tokenizer
#   3. generate text from it and print a summary
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=build/ropelab
OUT=${OUT:-out/demo}
FRESH=0
for a in "$@"; do [ "$a" = "--fresh" ] && FRESH=1; done
[ $FRESH = 1 ] && rm -rf "$OUT"
mkdir -p "$OUT"
stage() { echo; echo "=== [$1] $2"; }

stage 1/3 "tokenizer on data/corpus/fortunes-min.txt"
if [ ! -f "$OUT/tokenizer/tokenizer.model" ]; then
  $BIN tokenizer train --input data/corpus/fortunes-min.txt --vocab-size 2048 --out "$OUT/tokenizer/tokenizer.model"
else echo "reusing $OUT/tokenizer/tokenizer.model"; fi

stage 2/3 "tiny model"
if [ ! -f "$OUT/base/config.json" ]; then
  $BIN init --config tiny --seed 0 --tokenizer "$OUT/tokenizer/tokenizer.model" --out "$OUT/base"
else echo "reusing $OUT/base"; fi
$BIN info --model "$OUT/base" --tensors false

stage 3/3 "generate"
$BIN generate --model "$OUT/base" --prompt "The meaning of life is" --max-new-tokens 24 --temperature 0.8 --seed 1

echo
echo "summary: tokenizer $OUT/tokenizer/tokenizer.model, model $OUT/base (random weights: the text is noise until"
echo "         the later stages pre-train it)."
