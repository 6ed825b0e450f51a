#!/usr/bin/env bash
# Installs gradaudit from a build tree into a fresh prefix, builds regression/consumer against
# the installed package (find_package(gradaudit)) with the build's compiler and flags, and runs
# its audit (made by gradaudit_add_audit): it must write JSON, Markdown and JUnit reports for its
# own claims, which have no expected verdicts (reported, exit 0), name its own source in the
# Markdown and replay with its own program; `report merge` must take its JSON back. Its claims
# file (claims/log_cosh.toml) is built in: the audit runs from a copy of the program elsewhere.
# Usage: check.sh BUILD_DIR CONSUMER_SOURCE WORK_DIR BUILD_TYPE CXX CXX_FLAGS CXX_FLAGS_OF_TYPE LINKER_FLAGS
set -euo pipefail
build="$1"; src="$2"; work="$3"; type="$4"; cxx="$5"; flags="$6"; type_flags="$7"; ldflags="$8"
rm -rf "$work"
mkdir -p "$work"
step() {  # step NAME COMMAND...: runs it quietly, shows its log if it fails
  local name="$1"; shift
  if ! "$@" > "$work/$name.log" 2>&1; then
    echo "consumer check: $name failed:"; cat "$work/$name.log"; exit 1
  fi
}
step install cmake --install "$build" --component gradaudit_dev --prefix "$work/prefix"
for f in include/gradaudit/gradaudit.hpp include/gradaudit/testing/claim.hpp include/gradaudit/audit/commands.hpp; do
  [ -f "$work/prefix/$f" ] || { echo "consumer check: the package lacks $f"; exit 1; }
done
config=$(find "$work/prefix" -name gradauditConfig.cmake | head -1)
[ -n "$config" ] || { echo "consumer check: the package lacks gradauditConfig.cmake"; exit 1; }
upper=$(echo "$type" | tr '[:lower:]' '[:upper:]')
step configure cmake -S "$src" -B "$work/build" -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE="$type" \
  -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_CXX_FLAGS="$flags" "-DCMAKE_CXX_FLAGS_$upper=$type_flags" \
  -DCMAKE_EXE_LINKER_FLAGS="$ldflags" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON
step build cmake --build "$work/build" -j2
# The package hands -ffp-contract=off to its consumers (lib/CMakeLists.txt: the kernels' proofs
# count every rounding): the consumer's own compilations carry it without asking.
grep -q -- '-ffp-contract=off' "$work/build/compile_commands.json" ||
  { echo "consumer check: the consumer's compilations lack -ffp-contract=off"; exit 1; }
echo "consumer check: installed to $work/prefix, found $config"
mkdir -p "$work/elsewhere"
cp "$work/build/audit_log_cosh" "$work/elsewhere/"
audit="$work/elsewhere/audit_log_cosh"
r="$work/reports"
mkdir -p "$r"
env -u GTEST_TOTAL_SHARDS -u GTEST_SHARD_INDEX "$audit" audit --json "$r/r.json" --markdown "$r/r.md" --junit "$r/r.xml"
fail=0
expect() {  # expect FILE TEXT: FILE holds TEXT
  grep -qF -- "$2" "$1" || { echo "consumer check: $1 lacks: $2"; fail=1; }
}
refuse() {  # refuse FILE TEXT: FILE does not hold TEXT
  ! grep -qF -- "$2" "$1" || { echo "consumer check: $1 holds: $2"; fail=1; }
}
expect "$r/r.json" '"verdict": "holds"'
expect "$r/r.json" '"verdict": "refuted"'
expect "$r/r.json" '"expected": null'
expect "$r/r.md" 'Every claim of the log-cosh notes (claims/log_cosh.cpp, claims/log_cosh.toml)'
expect "$r/r.md" '### `log_cosh.curvature` — **holds**'
expect "$r/r.md" '### `log_cosh.gradient.bound.wrong` — **refuted**'
expect "$r/r.md" 'audit_log_cosh audit --only log_cosh.gradient.wrong`'
refuse "$r/r.md" 'article'
refuse "$r/r.md" '(expected'
expect "$r/r.xml" 'failures="0"'
"$audit" report merge "$r/r.json" --markdown "$r/m.md" > "$r/merge.log"
cmp "$r/r.md" "$r/m.md" || { echo "consumer check: report merge does not reproduce the Markdown"; fail=1; }
[ "$fail" -eq 0 ] && echo "consumer check: JSON, Markdown and JUnit reports of its own claims written"
exit "$fail"
