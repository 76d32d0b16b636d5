#!/usr/bin/env bash
# `make demo`: the main job on the embedded default configuration.
# Stage by stage, reusing finished stages (pass --fresh to redo them):
#   1. train a SentencePiece tokenizer on the text shipped in data/corpus
#   2. initialise a tiny LLaMA (preset "tiny") with that tokenizer
#   3. generate text from it
#   4. record attention entropy across positions for three RoPE methods (HDF5), report, plot
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=build/ropelab
OUT=${OUT:-out/demo}
FRESH=0
for a in "$@"; do [ "$a" = "--fresh" ] && FRESH=1; done
[ $FRESH = 1 ] && rm -rf "$OUT"
mkdir -p "$OUT"
stage() { echo; echo "=== [$1] $2"; }

stage 1/4 "tokenizer on data/corpus/fortunes-min.txt"
if [ ! -f "$OUT/tokenizer/tokenizer.model" ]; then
  $BIN tokenizer train --input data/corpus/fortunes-min.txt --vocab-size 2048 --out "$OUT/tokenizer/tokenizer.model"
else echo "reusing $OUT/tokenizer/tokenizer.model"; fi

stage 2/4 "tiny model"
if [ ! -f "$OUT/base/config.json" ]; then
  $BIN init --config tiny --seed 0 --tokenizer "$OUT/tokenizer/tokenizer.model" --out "$OUT/base"
else echo "reusing $OUT/base"; fi
$BIN info --model "$OUT/base" --tensors false

stage 3/4 "generate"
$BIN generate --model "$OUT/base" --prompt "The meaning of life is" --max-new-tokens 24 --temperature 0.8 --seed 1

stage 4/4 "attention entropy at 4x the window (default, yarn, eabf), report and figures"
if ! [ -f "$OUT/entropy.h5" ]; then
  $BIN tokenizer encode --tokenizer "$OUT/tokenizer/tokenizer.model" < data/corpus/fortunes-min.txt > "$OUT/corpus.ids"
  awk '{for (i = 1; i <= 1024 && i <= NF; i++) printf "%s ", $i}' "$OUT/corpus.ids" > "$OUT/corpus-1024.ids"
  $BIN entropy --model "$OUT/base" --tokens-file "$OUT/corpus-1024.ids" --out "$OUT/entropy.h5.tmp" --run default
  $BIN entropy --model "$OUT/base" --tokens-file "$OUT/corpus-1024.ids" --out "$OUT/entropy.h5.tmp" --run yarn \
    --rope yarn --rope-factor 4
  $BIN entropy --model "$OUT/base" --tokens-file "$OUT/corpus-1024.ids" --out "$OUT/entropy.h5.tmp" --run eabf \
    --rope eabf
  mv "$OUT/entropy.h5.tmp" "$OUT/entropy.h5"
else echo "reusing $OUT/entropy.h5"; fi
$BIN report entropy "$OUT/entropy.h5"
bash plots/run_all.sh "$OUT" || echo "(figures skipped: $?)"

echo
echo "summary: tokenizer $OUT/tokenizer/tokenizer.model, model $OUT/base, entropy $OUT/entropy.h5,"
echo "         figures $OUT/figures/. The model has random weights (pre-training comes with the miniature"
echo "         study), so its entropy sits near the uniform ln n curve."
