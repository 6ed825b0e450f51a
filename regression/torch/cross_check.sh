#!/usr/bin/env bash
# The PyTorch cross-check (ctest label `torch`): gradaudit train and PyTorch 1.13 float64 train
# the same networks from bitwise the same parameters on the same CSV; every parameter, the
# final loss and every per-step loss must agree within 1e-9 relative. Also records whether
# PyTorch's own kernels keep constant-initialised units bitwise identical (they must: a
# difference would make the article's symmetry claim depend on the implementation).
# Usage: cross_check.sh GRADAUDIT_EXE DATA_CSV WORK_DIR. Exit 77 (skipped) without torch.
set -euo pipefail
exe="$1"; data="$2"; work="$3"
here="$(cd "$(dirname "$0")" && pwd)"
if ! /usr/bin/python3 "$here/installed.py" torch 2>/dev/null; then
  echo "SKIPPED: PyTorch is not importable by /usr/bin/python3 (Debian python3-torch; 'ci/setup --with-torch' installs it)"
  exit 77
fi
mkdir -p "$work"
run() {  # name, gradaudit train arguments..., then -- train_torch arguments...
  local name="$1"; shift
  local ours=() theirs=()
  while [ "$1" != "--" ]; do ours+=("$1"); shift; done; shift
  theirs=("$@")
  "$exe" train --data "$data" "${ours[@]}" --json "$work/$name.ours.json" >/dev/null
  /usr/bin/python3 "$here/train_torch.py" --data "$data" --init "$work/$name.ours.json" "${theirs[@]}" \
      --json "$work/$name.torch.json" --distinct-units >/dev/null
  echo "== $name"
  /usr/bin/python3 "$here/compare.py" --ours "$work/$name.ours.json" --torch "$work/$name.torch.json" --rtol 1e-9 --history
}
# The article's experiment as its code really runs it (one sigmoid unit), 1000 epochs.
run experiment --layers 2,1 --init-weight constant:0.01 --init-bias zeros --epochs 1000 --lr 0.01 \
    -- --activation sigmoid --loss bce --epochs 1000 --lr 0.01
# A 2-8-8-1 sigmoid network from nn.Linear's default rule, 300 epochs.
run net_2881 --layers 2,8,8,1 --init-weight torch --init-bias torch --epochs 300 --lr 0.01 \
    -- --activation sigmoid --loss bce --epochs 300 --lr 0.01
# Constant initialisation (weights and biases 0.5), 50 steps: both keep one unit per layer?
run constant --layers 2,8,8,1 --init-weight constant:0.5 --init-bias constant:0.5 --epochs 50 --lr 0.1 \
    -- --activation sigmoid --loss bce --epochs 50 --lr 0.1
/usr/bin/python3 - "$work/constant.torch.json" "$work/constant.ours.json" <<'PY'
import json, sys
for path, who in ((sys.argv[1], "PyTorch"), (sys.argv[2], "gradaudit")):
    h = json.load(open(path))["history"]
    counts = sorted({tuple(e["distinct_units"]) for e in h})
    print(f"{who}: distinct units per hidden layer over {len(h)} steps: {counts}")
    if counts != [(1, 1)]:
        sys.exit(f"{who} did not keep the constant-initialised units identical: {counts}")
PY
