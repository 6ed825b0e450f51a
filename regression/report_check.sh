#!/usr/bin/env bash
# Checks that a fresh audit reproduces the committed report (regression/REPORT.md) byte for
# byte: same claims, verdicts, counterexamples and evidence for the default seed and cases.
# Usage: report_check.sh GRADAUDIT_EXE REPORT.md WORK_DIR. Exit 77 (skipped) without PyTorch or
# matplotlib, whose claims would then read "not checked" instead of their verdicts.
set -euo pipefail
exe="$1"; committed="$2"; work="$3"
if ! /usr/bin/python3 "$(dirname "$0")/torch/installed.py" torch matplotlib 2>/dev/null; then
  echo "SKIPPED: the code.* claims need PyTorch and matplotlib (Debian python3-torch,"
  echo "python3-matplotlib; 'ci/setup --with-torch')"
  exit 77
fi
mkdir -p "$work"
"$exe" audit --markdown "$work/REPORT.md" >/dev/null
if ! diff -u "$committed" "$work/REPORT.md"; then
  echo "The audit no longer reproduces $committed. If the change is intended, regenerate it:"
  echo "  build/default/cli/gradaudit audit --markdown regression/REPORT.md"
  exit 1
fi
echo "REPORT.md reproduced"
