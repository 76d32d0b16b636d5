#!/usr/bin/env bash
# Renders every figure for an output folder (e.g. out/demo) with an interpreter that has both
# matplotlib and h5py (Debian's /usr/bin/python3; the python3 first on PATH may lack them).
#
# A figure is skipped, with a printed line, only when its input is absent from the folder; a figure
# whose input is present but cannot be drawn fails the script with the plot script's own error
# (exit 2 for bad input). A folder with none of the inputs below is an error.
set -euo pipefail
DIR=${1:?usage: plots/run_all.sh OUT_DIR}
[ -d "$DIR" ] || { echo "plots: $DIR: not a directory" >&2; exit 2; }
PY=""
for c in /usr/bin/python3 python3; do
  if "$c" -c 'import matplotlib, h5py' 2>/dev/null; then PY=$c; break; fi
done
[ -n "$PY" ] || { echo "plots: no python3 with matplotlib and h5py (apt-get install python3-matplotlib python3-h5py)" >&2; exit 2; }
P=$(dirname "$0")
mkdir -p "$DIR/figures"
drawn=0
skip() { echo "plots: skipped $1 (no $2)"; }

if [ -f "$DIR/entropy.h5" ]; then
  "$PY" "$P/entropy.py" "$DIR/entropy.h5" --out "$DIR/figures"; drawn=$((drawn + 1))
else
  skip "entropy figures" "$DIR/entropy.h5"
fi
# DIR/eval.h5 holds /eval/<run>/passkey and /eval/<run>/ppl; a kind no run has is absent input.
kinds=""
if [ -f "$DIR/eval.h5" ]; then
  kinds=$("$PY" "$P/plot_input.py" eval-kinds "$DIR/eval.h5")  # a broken file stops the script here
fi
if grep -qx passkey <<<"$kinds"; then
  "$PY" "$P/passkey_heatmap.py" "$DIR/eval.h5" --out "$DIR/figures"; drawn=$((drawn + 1))
else
  skip "passkey heat maps" "passkey run in $DIR/eval.h5"
fi
if grep -qx ppl <<<"$kinds"; then
  "$PY" "$P/ppl_vs_position.py" "$DIR/eval.h5" --out "$DIR/figures"; drawn=$((drawn + 1))
else
  skip "perplexity vs position" "ppl run in $DIR/eval.h5"
fi
# One LongBench prediction folder per method: DIR/pred/<method>/result.json.
results=()
for r in "$DIR"/pred/*/result.json; do [ -f "$r" ] && results+=("$r"); done
if [ ${#results[@]} -gt 0 ]; then
  "$PY" "$P/longbench_categories.py" "${results[@]}" --out "$DIR/figures"; drawn=$((drawn + 1))
else
  skip "LongBench categories" "$DIR/pred/*/result.json"
fi
# One `ropelab sweep` folder per method: DIR/sweeps/<method>/sweep.json. A folder without sweep.json
# (a sweep not run to its end) is named and left out.
sweeps=()
for d in "$DIR"/sweeps/*/; do
  [ -d "$d" ] || continue
  if [ -f "$d/sweep.json" ]; then sweeps+=("${d%/}"); else skip "${d%/}" "sweep.json there"; fi
done
if [ ${#sweeps[@]} -gt 0 ]; then
  "$PY" "$P/longbench_macro_vs_window.py" "${sweeps[@]}" --out "$DIR/figures"; drawn=$((drawn + 1))
else
  skip "LongBench vs window" "$DIR/sweeps/*/sweep.json"
fi
# RULER: the `ropelab report ruler --format csv` table of the run.
if [ -f "$DIR/ruler/ruler.csv" ]; then
  "$PY" "$P/ruler.py" "$DIR/ruler/ruler.csv" "$DIR/figures/ruler.png" --title "RULER: $(basename "$(cd "$DIR" && pwd)")"
  drawn=$((drawn + 1))
else
  skip "RULER" "$DIR/ruler/ruler.csv"
fi
[ $drawn -gt 0 ] || { echo "plots: $DIR: none of the inputs above; not an output folder?" >&2; exit 2; }
echo "plots: $drawn figure set(s) in $DIR/figures"
