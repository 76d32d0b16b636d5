#!/usr/bin/env bash
# Renders every figure for an output folder (e.g. out/demo) with an interpreter that has both
# matplotlib and h5py (Debian's /usr/bin/python3; the python3 first on PATH may lack them).
set -euo pipefail
DIR=${1:?usage: plots/run_all.sh OUT_DIR}
PY=""
for c in /usr/bin/python3 python3; do
  if "$c" -c 'import matplotlib, h5py' 2>/dev/null; then PY=$c; break; fi
done
[ -n "$PY" ] || { echo "plots: no python3 with matplotlib and h5py (apt-get install python3-matplotlib python3-h5py)" >&2; exit 2; }
mkdir -p "$DIR/figures"
if [ -f "$DIR/entropy.h5" ]; then
  "$PY" "$(dirname "$0")/entropy.py" "$DIR/entropy.h5" --out "$DIR/figures"
fi
# Evaluation figures, each only when its inputs exist: DIR/eval.h5 (passkey / ppl runs),
# DIR/pred/*/result.json (one LongBench prediction folder per method), DIR/sweeps/*/sweep.json
# (one `ropelab sweep` folder per method).
P=$(dirname "$0")
if [ -f "$DIR/eval.h5" ]; then
  if "$PY" -c 'import h5py,sys; f=h5py.File(sys.argv[1],"r"); sys.exit(0 if any("passkey" in g for g in f.get("eval",{}).values()) else 1)' "$DIR/eval.h5"; then
    "$PY" "$P/passkey_heatmap.py" "$DIR/eval.h5" --out "$DIR/figures"
  fi
  if "$PY" -c 'import h5py,sys; f=h5py.File(sys.argv[1],"r"); sys.exit(0 if any("ppl" in g for g in f.get("eval",{}).values()) else 1)' "$DIR/eval.h5"; then
    "$PY" "$P/ppl_vs_position.py" "$DIR/eval.h5" --out "$DIR/figures"
  fi
fi
results=$(ls "$DIR"/pred/*/result.json 2>/dev/null || true)
if [ -n "$results" ]; then
  "$PY" "$P/longbench_categories.py" $results --out "$DIR/figures"
fi
sweeps=$(ls -d "$DIR"/sweeps/*/ 2>/dev/null | while read -r d; do [ -f "$d/sweep.json" ] && echo "${d%/}"; done || true)
if [ -n "$sweeps" ]; then
  "$PY" "$P/longbench_macro_vs_window.py" $sweeps --out "$DIR/figures"
fi
# RULER: the `ropelab report ruler --format csv` table of the run (DIR/ruler/ruler.csv).
if [ -f "$DIR/ruler/ruler.csv" ]; then
  "$PY" "$P/ruler.py" "$DIR/ruler/ruler.csv" "$DIR/figures/ruler.png"
fi
