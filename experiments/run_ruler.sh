#!/usr/bin/env bash
# RULER at 4k/8k/16k/32k for a set of models: `ropelab ruler run` (sharded over the GPUs, resumable)
# -> `ropelab ruler merge` -> `ropelab ruler score` per model and length, then `ropelab report ruler`
# (per-length averages, effective length against 85.6) and plots/ruler.py. Called by run_paper.sh
# for every method of Table 2; usable on its own:
#
#   experiments/run_ruler.sh --ruler-data /data/ruler-llama2 --ruler-dir /src/RULER --out out/paper/ruler \
#       --run base=/data/Llama-2-7b-chat-hf --run eabf=out/paper/models/eabf-3.5k [--nproc 8] \
#       [--lengths 4096,8192,16384,32768] [--prefill-chunk 4096]
#
# --ruler-data holds one folder per length, <length>/<task>/validation.jsonl, prepared with RULER's
# own scripts/data/prepare.py for LLaMA-2's tokenizer (README: RULER). --ruler-dir (the RULER
# checkout) gives the task list and each task's tokens_to_generate; without it pass
# --tokens-to-generate task=N,... (forwarded to ruler run).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-build-cuda/ropelab}
NPROC=1; LENGTHS=4096,8192,16384,32768; OUT=out/ruler; RUNS=(); EXTRA=()
while [ $# -gt 0 ]; do
  case "$1" in
    --ruler-data) RDATA=$2; shift 2 ;;
    --ruler-dir) EXTRA+=(--ruler-dir "$2"); RDIR=$2; shift 2 ;;
    --tokens-to-generate) EXTRA+=(--tokens-to-generate "$2"); shift 2 ;;
    --prefill-chunk) EXTRA+=(--prefill-chunk "$2"); shift 2 ;;
    --run) RUNS+=("$2"); shift 2 ;;
    --lengths) LENGTHS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --nproc) NPROC=$2; shift 2 ;;
    *) echo "run_ruler.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "${RDATA:-}" ] || { echo "run_ruler.sh: missing --ruler-data (see the header of this file)" >&2; exit 2; }
[ ${#RUNS[@]} -gt 0 ] || { echo "run_ruler.sh: give at least one --run NAME=MODEL_DIR" >&2; exit 2; }
[ -x "$BIN" ] || { echo "run_ruler.sh: $BIN not found (set BIN=...)" >&2; exit 2; }
mkdir -p "$OUT"
SCORE_OPTS=(); [ -n "${RDIR:-}" ] && SCORE_OPTS=(--ruler-dir "$RDIR")
SPECS=()
for spec in "${RUNS[@]}"; do
  name=${spec%%=*}; model=${spec#*=}
  for L in ${LENGTHS//,/ }; do
    [ -d "$RDATA/$L" ] || { echo "run_ruler.sh: $RDATA/$L missing (prepare RULER data at length $L)" >&2; exit 2; }
    pred=$OUT/$name/$L
    if [ "$NPROC" -gt 1 ]; then  # one shard per GPU, then merge
      pids=()
      for ((i = 0; i < NPROC; i++)); do
        CUDA_VISIBLE_DEVICES=$i "$BIN" ruler run --model "$model" --device cuda --data-dir "$RDATA/$L" --out "$pred" \
          --shard $i/$NPROC "${EXTRA[@]}" & pids+=($!)
      done
      for p in "${pids[@]}"; do wait "$p"; done
      "$BIN" ruler merge --pred-dir "$pred" --shards "$NPROC" --overwrite
    else
      "$BIN" ruler run --model "$model" --device cuda --data-dir "$RDATA/$L" --out "$pred" "${EXTRA[@]}"
    fi
    "$BIN" ruler score --pred-dir "$pred" "${SCORE_OPTS[@]}"
  done
  SPECS+=("$name=$OUT/$name")
done
"$BIN" report ruler "${SPECS[@]}" --format md --out "$OUT/ruler.md" --overwrite
"$BIN" report ruler "${SPECS[@]}" --format csv --out "$OUT/ruler.csv" --overwrite
# The figure is skipped (said so) only without matplotlib; a figure that fails stops the script.
if /usr/bin/python3 -c 'import matplotlib' 2>/dev/null; then
  /usr/bin/python3 plots/ruler.py "$OUT/ruler.csv" "$OUT/ruler.png"
else
  echo "(RULER figure skipped: /usr/bin/python3 has no matplotlib; apt-get install python3-matplotlib)"
fi
echo "RULER: $OUT/ruler.md (per-length averages, effective length), $OUT/ruler.png"
