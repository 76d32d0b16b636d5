#!/usr/bin/env bash
# The paper in miniature (issues #7, #12): pre-train a tiny LLaMA with LLaMA-2's RoPE geometry at its window c
# (configs/mini/model.json) on long Debian-packaged English text, extend it to 4c with every method from 100
# samples in 6 steps, evaluate at c, 2c, 4c, 8c, and write report.md with the figures. Every stage is a `ropelab` subcommand with an INI file from experiments/configs/mini/ —
# exactly what a full-scale user runs. Finished stages are reused; --fresh redoes everything.
#
#   experiments/run_mini.sh demo   [--fresh] [--pretrain]  # out/demo: one seed, base + control, PI, NTK-by-parts, YaRN, ABF, EABF
#   experiments/run_mini.sh full   [--fresh]               # out/mini: + ablations, 32/100/1000 samples, 5 seeds, 64 items
#
# The demo extends the shipped base model data/models/mini-base-s1 (this script's own two-stage recipe
# for seed 1, pinned by sha256: pre-training it takes ~27 min of a 2-core machine, more than the demo's
# budget, and pins the base against the machine's BLAS); --pretrain trains it here instead.
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${1:-demo}
shift || true
FRESH=0; PRETRAIN=0
for a in "$@"; do
  case "$a" in
    --fresh) FRESH=1 ;;
    --pretrain) PRETRAIN=1 ;;
    *) echo "run_mini.sh: unknown option '$a' (options: --fresh, --pretrain)" >&2; exit 2 ;;
  esac
done
case "$MODE" in
  # PER: LongBench-format items per task and length (the demo's smaller number keeps it within its time;
  # its report carries item-bootstrap intervals). Passkey: 21 depths x 3 keys = 63 per length (the filler
  # is one fixed block, so the keys at a depth share their context: depth resolution carries the information).
  demo) OUT=${OUT:-out/demo}; SEEDS="1"; METHODS="control pi ntk_by_parts yarn abf eabf"; ABLATIONS=""; SIZES=""
        PER=${PER:-16}; PPL_DOCS=${PPL_DOCS:-32} ;;
  full) OUT=${OUT:-out/mini}; SEEDS="0 1 2 3 4"; METHODS="control pi ntk_by_parts yarn abf eabf"
        ABLATIONS="eabf-all-layers eabf-no-floor eabf-constant eabf-no-abf yarn-beta32"; SIZES="32 1000"; PER=${PER:-64}; PPL_DOCS=${PPL_DOCS:-0} ;;
  *) echo "usage: $0 demo|full [--fresh] [--pretrain]" >&2; exit 2 ;;
esac
SHIPPED=""; [ "$MODE" = demo ] && [ $PRETRAIN = 0 ] && SHIPPED=data/models/mini-base-s1
BIN=${BIN:-build/ropelab}  # a copy keeps a long run safe from rebuilds
CFG=experiments/configs/mini
# Training runs as 2 local data-parallel workers (Gloo), each with half the cores: for a model this
# small, two processes of one thread train ~2.5x faster than one process of two threads.
NPROC=${NPROC:-2}
# c is the base model's window as model.json states it; the study evaluates at c, 2c, 4c and 8c, and
# LongBench-style truncation keeps c/4 tokens for the answer (the paper's 500 of 4k, rounded up).
C=$(sed -n 's/^ *"max_position_embeddings": *\([0-9][0-9]*\).*/\1/p' $CFG/model.json)
[ -n "$C" ] || { echo "run_mini.sh: $CFG/model.json states no max_position_embeddings" >&2; exit 2; }
WINDOWS="$C,$((2 * C)),$((4 * C)),$((8 * C))"; RESERVE=$((C / 4))
PASSKEY_DEPTHS=$(LC_ALL=C seq -s, 0 0.05 1)  # 0,0.05,...,1: 21 depths
[ $FRESH = 1 ] && rm -rf "$OUT"
mkdir -p "$OUT" "$OUT/logs"
T0=$(date +%s)
stage() { echo; echo "=== [$(( $(date +%s) - T0 ))s] $*"; }
have() { [ -e "$1" ]; }
PY=/usr/bin/python3  # Debian's, with h5py, numpy and matplotlib (what `make test` uses)
# An evaluation is reused when its HDF5 run group says `complete` (written last by every writer);
# an interrupted one is redone with --overwrite. A file that is not HDF5 stops the study.
complete() {  # FILE GROUP
  local rc=0
  $PY analysis/h5_complete.py "$1" "$2" || rc=$?
  [ $rc -le 1 ] || exit $rc
  return $rc
}

# --- 1. data and tokenizer ------------------------------------------------------------------------
D=$OUT/data
stage "data: extract the Debian corpus, split it, train the tokenizer, generate synthetic tasks"
# The corpus: King James Bible books, Debian Reference chapters and GNU manuals, from the packages
# `make setup` installs, checked against the versions and sha256 pinned in data/README.md.
have $D/corpus.jsonl || $PY experiments/extract_debian_corpus.py $D/corpus.jsonl
have $D/pretrain.jsonl || $BIN data split --corpus $D/corpus.jsonl --out $D --seed 0
# The shipped base brings its tokenizer (checked with the weights against the pinned sha256; a mismatch
# is an error naming the file and both values). Otherwise the tokenizer must know the task phrasing too:
# a bootstrap tokenizer sizes a sample of task documents, and the final tokenizer is trained on the
# corpus plus that sample. The sample's documents may be 2c long: the bootstrap tokenizer splits the
# task phrasing finely, and a kv document with its 3 answers (~310 of its tokens, ~215 of the final
# tokenizer's) does not fit c with it.
if [ -n "$SHIPPED" ]; then
  $PY experiments/check_sums.py $SHIPPED  # exit 2 with the file and both values: set -e stops the study
  mkdir -p $OUT/tokenizer
  have $OUT/tokenizer/tokenizer.model || cp $SHIPPED/tokenizer.model $OUT/tokenizer/tokenizer.model
  cmp -s $SHIPPED/tokenizer.model $OUT/tokenizer/tokenizer.model ||
    { echo "run_mini.sh: $OUT/tokenizer/tokenizer.model is not the shipped base's tokenizer ($SHIPPED): use --fresh or another OUT" >&2; exit 2; }
fi
if ! have $OUT/tokenizer/tokenizer.model; then
  $BIN tokenizer train --input $D/pretrain.jsonl --vocab-size 1024 --out $D/bootstrap/tokenizer.model --overwrite
  $BIN data pretrain --config $CFG/data-pretrain.ini --tokenizer $D/bootstrap/tokenizer.model --docs $D/pretrain.jsonl \
    --count 2000 --seed 99 --window $((2 * C)) --out $D/tokenizer-sample.jsonl --overwrite
  $BIN tokenizer train --input $D/pretrain.jsonl $D/tokenizer-sample.jsonl --vocab-size 1024 --out $OUT/tokenizer/tokenizer.model
fi
TOK=$OUT/tokenizer/tokenizer.model
NCONV=100; [ -n "$SIZES" ] && NCONV=1000
have $D/sharegpt.json || $BIN data conversations --config $CFG/data-conversations.ini --tokenizer $TOK --docs $D/finetune.jsonl \
  --count $NCONV --seed 0 --out $D/sharegpt.json
have $D/longbench/dataset2prompt.json || $BIN data longbench --config $CFG/data-longbench.ini --tokenizer $TOK \
  --docs $D/eval.jsonl --per-length $PER --seed 0 --out $D/longbench
# Held-out documents for perplexity and entropy: the evaluation split's books and chapters cut at line
# ends into pieces of >= 1,600 words (> 8c tokens), each a window of coherent text.
have $D/eval-long.jsonl || $PY experiments/long_documents.py $D/eval.jsonl $D/eval-long.jsonl --chunk-words 1600
TASKS=$(cd $D/longbench && ls *.jsonl | sed 's/\.jsonl$//' | paste -sd, -)

# --- 2. base model --------------------------------------------------------------------------------
# Two stages (configs/mini/curriculum/, docs/measurements.md, seventh to ninth sessions), each a
# `data pretrain` + `pretrain` pair: stage 1 repeats fresh random word lines at a constant LR until
# induction heads form (at 1,400-2,400 steps, seed and machine dependent: the base's copy probe
# below is the check); stage 2 is associative recall, passkey and the suite's task formats beside
# corpus text, one pass in 4,800 steps, its documents drawn with seed + 1. The two data draws are
# independent and single-threaded: they run side by side.
M=$OUT/models
for seed in $SEEDS; do
  base=$M/base-s$seed
  if [ -n "$SHIPPED" ]; then
    stage "base model (seed $seed): the shipped $SHIPPED (sha256 checked)"
    if ! have $base/config.json; then
      rm -rf $base.tmp && mkdir -p $base.tmp && cp $SHIPPED/* $base.tmp/ && mv $base.tmp $base
    fi
    cmp -s $SHIPPED/model.safetensors $base/model.safetensors ||
      { echo "run_mini.sh: $base is not the shipped base ($SHIPPED; a --pretrain run?): add --pretrain, or --fresh" >&2; exit 2; }
    continue
  fi
  stage "base model (seed $seed): pre-train at c = $C, stage 1 (copying) and stage 2 (recall and tasks)"
  have $M/init-s$seed/config.json || $BIN init --config $CFG/model.json --tokenizer $TOK --seed $seed --out $M/init-s$seed
  have $base/config.json && continue
  s1=$D/stage1-s$seed.jsonl; s2=$D/stage2-s$seed.jsonl
  have $s1 || $BIN data pretrain --config $CFG/curriculum/data-stage1.ini --tokenizer $TOK --docs $D/pretrain.jsonl \
    --seed $seed --out $s1 > $OUT/logs/data-stage1-s$seed.log 2>&1 &
  p1=$!
  have $s2 || $BIN data pretrain --config $CFG/curriculum/data-stage2.ini --tokenizer $TOK --docs $D/pretrain.jsonl \
    --seed $((seed + 1)) --out $s2 > $OUT/logs/data-stage2-s$seed.log 2>&1 &
  p2=$!
  wait $p1 || { echo "run_mini.sh: stage-1 data failed: $OUT/logs/data-stage1-s$seed.log" >&2; tail -3 $OUT/logs/data-stage1-s$seed.log >&2; exit 1; }
  wait $p2 || { echo "run_mini.sh: stage-2 data failed: $OUT/logs/data-stage2-s$seed.log" >&2; tail -3 $OUT/logs/data-stage2-s$seed.log >&2; exit 1; }
  if ! have $M/stage1-s$seed/config.json; then
    resume=""; [ -d $M/stage1-s$seed ] && resume="--resume $M/stage1-s$seed"
    $BIN pretrain --config $CFG/curriculum/pretrain-stage1.ini --model $M/init-s$seed --data $s1 --seed $seed \
      --nproc $NPROC --out $M/stage1-s$seed $resume
  fi
  resume=""; [ -d $base ] && resume="--resume $base"
  $BIN pretrain --config $CFG/pretrain.ini --model $M/stage1-s$seed --data $s2 --seed $seed \
    --nproc $NPROC --out $base $resume
done

# Gate inputs of every base model: perplexity at c on the training text beside the held-out one
# (held-out <= 1.3 x training), read by study_report.py from train-ppl.h5; as many training pieces as
# the held-out side reads (all 429 took 5 min of the demo for the same estimate). PPL_DOCS: the first
# N held-out pieces of perplexity (0 = all 65; the demo reads 32 to stay within its time).
have $D/train-long.jsonl || $PY experiments/long_documents.py $D/pretrain.jsonl $D/train-long.jsonl --chunk-words 1600
NPPL=$(wc -l < $D/eval-long.jsonl); [ "$PPL_DOCS" -gt 0 ] && [ "$PPL_DOCS" -lt "$NPPL" ] && NPPL=$PPL_DOCS
for seed in $SEEDS; do
  complete $OUT/train-ppl.h5 /eval/base-s$seed/ppl ||
    $BIN ppl --model $M/base-s$seed --data $D/train-long.jsonl --lengths $C --max-docs $NPPL \
      --out $OUT/train-ppl.h5 --run base-s$seed --overwrite
done

# The in-context copy probe (a diagnostic of the copy gates): random-word sequences repeated within
# the window; a base model with induction heads predicts the repeats far better than the first pass
# (experiments/copy_probe.py; "drop" in nats per token, printed and kept in copy-probe.h5).
have $D/copy-probe.jsonl || $PY experiments/copy_probe.py docs $D/eval.jsonl $D/copy-probe.jsonl
for seed in $SEEDS; do
  complete $OUT/copy-probe.h5 /eval/base-s$seed/ppl ||
    $BIN ppl --model $M/base-s$seed --data $D/copy-probe.jsonl --lengths $C --out $OUT/copy-probe.h5 \
      --run base-s$seed --overwrite
  echo "copy probe, base-s$seed: $($PY experiments/copy_probe.py score $OUT/copy-probe.h5 base-s$seed --window $C)"
done

# The recall gate (>= 85 % inside c): RULER's niah_multikey_1 (4 keys in corpus text, one asked) at 3c/4
# and c (4 needles and the template need ~150 tokens: c/2 does not fit), 64 samples each, for every base
# model; generated from the evaluation split like the suite.
have $D/ruler-c/tokens_to_generate.json || $BIN data ruler --tokenizer $TOK --docs $D/eval.jsonl --chat \
  --tasks niah_multikey_1 --lengths $((3 * C / 4)),$C --num-samples 64 --seed 0 --out $D/ruler-c --tokens-to-generate niah=12
for seed in $SEEDS; do
  for L in $((3 * C / 4)) $C; do
    $BIN ruler run --model $M/base-s$seed --data-dir $D/ruler-c/$L --tokens-to-generate $D/ruler-c/tokens_to_generate.json \
      --out $OUT/ruler-c/base-s$seed/$L
    $BIN ruler score --pred-dir $OUT/ruler-c/base-s$seed/$L > /dev/null
  done
done

# The base model's RoPE geometry beside LLaMA-2-7B at 4k, with the scaled YaRN beta (report.md).
have $OUT/geometry.txt || $BIN rope show --model $M/base-s${SEEDS%% *} --geometry --window $C --beta-fast 8 \
  > $OUT/geometry.txt

# --- 3. extension: 100 samples, 6 steps, one RoPE method each -------------------------------------
finetune() {  # name method seed samples [lr]: the shared recipe plus one method file
  local out=$M/$1
  have $out/config.json && return 0
  local resume=""; [ -d $out ] && resume="--resume $out"
  local lr=""; [ -n "${5:-}" ] && lr="--lr $5"
  stage "extend: $1 (4c = $((4 * C)), $4 samples${5:+, lr $5})"
  $BIN finetune --config $CFG/finetune.ini --config $CFG/methods/$2.ini --model $M/base-s$3 --data $D/sharegpt.json --samples $4 --seed $3 \
    --nproc $NPROC --out $out $resume $lr
}
# Full mode: the fine-tune LR from the grid {0.5, 0.7, 1, 2} x the final pre-training LR (2e-4,
# pretrain.ini's min-lr), chosen on a validation suite built from the fine-tuning documents (not the
# evaluation split) at 4c by the lowest teacher-forced answer NLL of EABF, seed 0
# (analysis/lr_grid.py; the grid and the choice in $OUT/lr-grid/choice.json). Demo: finetune.ini's LR.
LR=""
if [ "$MODE" = full ]; then
  have $D/validation/dataset2prompt.json || $BIN data longbench --config $CFG/data-longbench.ini --tokenizer $TOK \
    --docs $D/finetune.jsonl --lengths $((4 * C)) --per-length 32 --seed 1 --out $D/validation
  for lr in 1e-4 1.4e-4 2e-4 4e-4; do
    finetune lr-grid/eabf-lr$lr-s0 eabf 0 100 $lr
    $BIN sweep --model $M/lr-grid/eabf-lr$lr-s0 --windows $((4 * C)) --reserve $RESERVE --longbench-dir $D/validation \
      --tasks $TASKS --out $OUT/lr-grid/lr-$lr
  done
  LR=$($PY analysis/lr_grid.py $OUT/lr-grid --window $((4 * C)) --out $OUT/lr-grid/choice.json)
  stage "fine-tune LR chosen on the validation suite: $LR ($OUT/lr-grid/choice.json)"
fi
RUNS=""
for seed in $SEEDS; do
  RUNS="$RUNS base-s$seed"
  for m in $METHODS $ABLATIONS; do finetune $m-s$seed $m $seed 100 $LR; RUNS="$RUNS $m-s$seed"; done
  for n in $SIZES; do finetune eabf-n$n-s$seed eabf $seed $n $LR; RUNS="$RUNS eabf-n$n-s$seed"; done
done

# --- 4. evaluation at c, 2c, 4c, 8c ---------------------------------------------------------------
# Layout read by plots/run_all.sh and analysis/study_report.py: sweeps/<run>/ (LongBench-format
# suite per window), eval.h5 (/eval/<run>/passkey, /eval/<run>/ppl), entropy.h5 (/runs/<run>, at 8c),
# entropy-c.h5 (/runs/<run>, at c), train-ppl.h5 (/eval/base-s<seed>/ppl, training text at c).
# The suite runs beside the rest of a run's evaluation (they write different files), each process with
# EVAL_THREADS threads: for a model this small one thread is faster than two (a suite window 19 s vs
# 35 s, perplexity 80 s vs 136 s, identical outputs; docs/measurements.md, tenth session), so two
# one-thread processes use both cores. The suite's progress goes to $OUT/logs/sweep-<run>.log.
EVAL_THREADS=${EVAL_THREADS:-1}
mkdir -p $OUT/logs
for run in $RUNS; do
  stage "evaluate $run at windows $WINDOWS: LongBench-format suite (log: $OUT/logs/sweep-$run.log), passkey, perplexity, entropy"
  # The sweep resumes itself (finished predictions are kept, scores recomputed): rerunning it is cheap.
  $BIN sweep --threads $EVAL_THREADS --model $M/$run --windows $WINDOWS --reserve $RESERVE --longbench-dir $D/longbench \
    --tasks $TASKS --out $OUT/sweeps/$run > $OUT/logs/sweep-$run.log 2>&1 &
  sweep_pid=$!
  trap 'kill $sweep_pid 2>/dev/null' EXIT  # a failure below does not leave the suite running
  complete $OUT/eval.h5 /eval/$run/passkey ||
    $BIN passkey --threads $EVAL_THREADS --model $M/$run --lengths $WINDOWS --depths $PASSKEY_DEPTHS --trials 3 --seed 0 \
      --out $OUT/eval.h5 --run $run --overwrite
  complete $OUT/eval.h5 /eval/$run/ppl ||
    $BIN ppl --threads $EVAL_THREADS --model $M/$run --data $D/eval-long.jsonl --lengths $WINDOWS --max-docs $NPPL --out $OUT/eval.h5 \
      --run $run --overwrite
  # Figure 1 as the paper measures it: every model on 64 held-out documents at c (entropy-c.h5: positions
  # inside the window, with the mean attention rows at c/8, c/4, c/2 and c - 1 for the first-token mass)
  # and at 8c (entropy.h5: the extended models beyond it).
  complete $OUT/entropy-c.h5 /runs/$run ||
    $BIN entropy --threads $EVAL_THREADS --model $M/$run --data $D/eval-long.jsonl --lengths $C --max-docs 64 --seed 0 \
      --probe-positions $((C / 8)),$((C / 4)),$((C / 2)),last --out $OUT/entropy-c.h5 --run $run --overwrite
  complete $OUT/entropy.h5 /runs/$run ||
    $BIN entropy --threads $EVAL_THREADS --model $M/$run --data $D/eval-long.jsonl --lengths $((8 * C)) --max-docs 64 \
      --seed 0 --out $OUT/entropy.h5 --run $run --overwrite
  wait $sweep_pid || { echo "run_mini.sh: the suite of $run failed: $OUT/logs/sweep-$run.log" >&2; tail -3 $OUT/logs/sweep-$run.log >&2; exit 1; }
  trap - EXIT
  tail -1 $OUT/logs/sweep-$run.log
done

# --- 4b. RULER at 4c and 8c (at c and 2c the multi-needle tasks and cwe do not fit) -----------------
# Generated RULER-format tasks (our templates, the miniature's tokenizer and chat format), few samples
# per task; only the headline methods. Predictions resume; scores are recomputed.
RULER_LENGTHS="$((4 * C)) $((8 * C))"; RULER_N=2; [ "$MODE" = full ] && RULER_N=5
have $D/ruler/tokens_to_generate.json || $BIN data ruler --tokenizer $TOK --docs $D/eval.jsonl --chat \
  --lengths ${RULER_LENGTHS// /,} --num-samples $RULER_N --seed 0 --out $D/ruler \
  --tokens-to-generate niah=12,variable_tracking=12,common_words_extraction=24,freq_words_extraction=12,qa=8
RULER_SPECS=""
for run in $RUNS; do
  case "${run%-s*}" in base|control|pi|ntk_by_parts|yarn|abf|eabf) ;; *) continue ;; esac
  stage "RULER $run at $RULER_LENGTHS"
  for L in $RULER_LENGTHS; do
    $BIN ruler run --model $M/$run --data-dir $D/ruler/$L --tokens-to-generate $D/ruler/tokens_to_generate.json \
      --out $OUT/ruler/$run/$L
    $BIN ruler score --pred-dir $OUT/ruler/$run/$L > /dev/null
  done
  RULER_SPECS="$RULER_SPECS $run=$OUT/ruler/$run"
done
$BIN report ruler $RULER_SPECS --format md --out $OUT/ruler/ruler.md --overwrite
$BIN report ruler $RULER_SPECS --format csv --out $OUT/ruler/ruler.csv --overwrite

# --- 5. figures and report ------------------------------------------------------------------------
# Figures first: report.md links the ones that exist (figures/ruler.png among them). A figure that
# cannot be drawn stops the study with the plot script's error (set -e).
stage "figures"
# Study-level figures (seeds aggregated), then every run's own figures (RULER's included).
$PY plots/study_figures.py "$OUT" --runs $RUNS  # c as the outputs recorded it
bash plots/run_all.sh "$OUT"
stage "report"
$PY analysis/study_report.py --out $OUT --mode $MODE --runs $RUNS ${SHIPPED:+--shipped-base $SHIPPED}
stage "done: $OUT/report.md"
