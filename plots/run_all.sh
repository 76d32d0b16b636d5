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
