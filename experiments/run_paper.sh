#!/usr/bin/env bash
# The paper at full scale on a GPU server (LLaMA-2-7B-Chat, the released ShareGPT-Long data,
# LongBench at 4k/8k/16k/32k). Every step is a `ropelab` subcommand with an INI file from
# experiments/configs/paper/; every step resumes when rerun.
#
#   experiments/run_paper.sh --model /data/Llama-2-7b-chat-hf --sharegpt /data/EABF-ShareGPT-Long-3.5k.json \
#       --longbench /data/LongBench/data --longbench-config /src/LongBench/config \
#       --entropy-docs /data/pile-arxiv-128.jsonl --out out/paper [--nproc 4] [--tables 2,4,5,fig1,ruler] \
#       [--ruler-data /data/ruler-llama2 --ruler-dir /src/RULER]
#
# --longbench holds <dataset>.jsonl; --longbench-config holds dataset2prompt.json and
# dataset2maxlen.json from the user's LongBench checkout (the toolkit ships neither). With
# --ruler-data (RULER's prepare.py output, one folder per length; README: RULER) the Table-2
# models and the base model also run RULER at 4k/8k/16k/32k (experiments/run_ruler.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-build-cuda/ropelab}
CFG=experiments/configs/paper
NPROC=1; TABLES=2,4,5,fig1; OUT=out/paper
while [ $# -gt 0 ]; do
  case "$1" in
    --model) MODEL=$2; shift 2 ;;
    --sharegpt) DATA=$2; shift 2 ;;
    --longbench) LB=$2; shift 2 ;;
    --longbench-config) LBCFG=$2; shift 2 ;;
    --entropy-docs) DOCS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --nproc) NPROC=$2; shift 2 ;;
    --tables) TABLES=$2; shift 2 ;;
    --ruler-data) RULER_DATA=$2; TABLES=$TABLES,ruler; shift 2 ;;
    --ruler-dir) RULER_DIR=$2; shift 2 ;;
    *) echo "run_paper.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
for v in MODEL DATA LB LBCFG; do
  [ -n "${!v:-}" ] || { echo "run_paper.sh: missing --$(echo $v | tr A-Z a-z) (see the header of this file)" >&2; exit 2; }
done
[ -x "$BIN" ] || { echo "run_paper.sh: $BIN not found; build the CUDA variant first (README: Full scale on GPUs)" >&2; exit 2; }
want() { [[ ",$TABLES," == *",$1,"* ]]; }
mkdir -p "$OUT"
METHODS="pi ntk_by_parts yarn abf eabf"
LBOPTS="--longbench-dir $LB --prompt-config $LBCFG/dataset2prompt.json --maxlen-config $LBCFG/dataset2maxlen.json"

finetune() {  # recipe method out [extra...]: a table's recipe plus one method file
  local recipe=$1 method=$2 out=$3; shift 3
  [ -f "$out/config.json" ] && return 0
  local resume=""; [ -d "$out" ] && resume="--resume $out"
  "$BIN" finetune --config $CFG/$recipe.ini --config $CFG/methods/$method.ini --model "$MODEL" --data "$DATA" --out "$out" --nproc "$NPROC" $resume "$@"
}
sweep() {  # model out [windows]
  "$BIN" sweep --config $CFG/eval-sweep.ini --model "$1" --out "$2" $LBOPTS ${3:+--windows $3}
}

if want 2 || want 4; then  # Table 2 (3.5k samples, 16k) and Table 4 (the same models at 4k..32k)
  for m in $METHODS; do
    finetune table2 $m "$OUT/models/$m-3.5k"
    if want 4; then sweep "$OUT/models/$m-3.5k" "$OUT/eval/$m-3.5k"; else sweep "$OUT/models/$m-3.5k" "$OUT/eval/$m-3.5k" 16384; fi
  done
  sweep "$MODEL" "$OUT/eval/base" 4096
fi
if want 5; then  # Table 5 / Figure 2: 32 / 100 / 1k samples, 16k
  for m in $METHODS; do
    for n in 32 100 1000; do
      finetune table5 $m "$OUT/models/$m-$n" --samples $n
      sweep "$OUT/models/$m-$n" "$OUT/eval/$m-$n" 16384
    done
  done
fi
if want fig1 && [ -n "${DOCS:-}" ]; then  # Figure 1: entropy of the chat model and the 100-sample models
  for run in base $(for m in $METHODS; do echo $m-100; done); do
    model=$MODEL; [ $run != base ] && model=$OUT/models/$run
    [ -d "$model" ] || continue
    # Reused when both lengths' HDF5 runs say `complete` (written last); otherwise redone.
    done_all=1
    for T in 4096 16384; do
      rc=0; python3 analysis/h5_complete.py "$OUT/entropy.h5" "/runs/$run@$T" || rc=$?
      [ $rc -le 1 ] || exit $rc
      [ $rc = 0 ] || done_all=0
    done
    [ $done_all = 1 ] && continue
    "$BIN" entropy --config $CFG/figure1-entropy.ini --model "$model" --data "$DOCS" --out "$OUT/entropy.h5" \
      --run $run --overwrite
  done
fi
if want ruler && [ -n "${RULER_DATA:-}" ]; then  # RULER: effective length of every Table-2 method
  BIN=$BIN experiments/run_ruler.sh --ruler-data "$RULER_DATA" ${RULER_DIR:+--ruler-dir "$RULER_DIR"} \
    --out "$OUT/ruler" --nproc "$NPROC" --run base="$MODEL" $(for m in $METHODS; do echo --run $m="$OUT/models/$m-3.5k"; done)
fi
"$BIN" report longbench $(ls "$OUT"/eval/*/longbench/*/result.json) --format md --out "$OUT/longbench.md" --overwrite
python3 analysis/paper_tables.py "$OUT" --write "$OUT/paper_tables.md" >/dev/null
echo "tables: $OUT/longbench.md (every task and window), $OUT/paper_tables.md (Tables 2, 4, 5: measured (paper))"
