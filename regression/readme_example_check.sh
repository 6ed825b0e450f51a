#!/usr/bin/env bash
# Checks README.md's "Adding a claim" example: fewer than 30 lines of code, and audited by a
# gradaudit built with it alone it gives the verdicts the README states (tanh.derivative holds;
# tanh.derivative.wrong is refuted, shrunk to x = 1).
# Usage: readme_example_check.sh GRADAUDIT_WITH_THE_EXAMPLE EXAMPLE.cpp
set -euo pipefail
exe="$1"; example="$2"
lines=$(grep -cv '^[[:space:]]*$' "$example")
if [ "$lines" -gt 30 ]; then
  echo "README's example has $lines non-blank lines; the README promises under 30"
  exit 1
fi
set +e
out=$(env -u GTEST_TOTAL_SHARDS -u GTEST_SHARD_INDEX "$exe" audit 2>&1)
status=$?
set -e
echo "$out"
fail=0
expect() {
  if ! grep -qF -- "$1" <<<"$out"; then
    echo "MISSING from the audit's output: $1"
    fail=1
  fi
}
expect "holds  tanh.derivative  ("
expect "refuted  tanh.derivative.wrong  (counterexample x = 1:"
expect "2 claims: 1 hold, 1 refuted, 0 need correction; 0 differ from the expected verdict"
if [ "$status" -ne 0 ]; then
  echo "the audit exited with $status, not 0"
  fail=1
fi
[ "$fail" -eq 0 ] && echo "README example: $lines lines, verdicts as the README states"
exit "$fail"
