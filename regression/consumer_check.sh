#!/usr/bin/env bash
# Installs gradaudit from a build tree into a fresh prefix, builds regression/consumer against
# the installed package (find_package(gradaudit)) with the build's compiler and flags, and runs
# it: exit 0 when its claims get their expected verdicts.
# Usage: consumer_check.sh BUILD_DIR CONSUMER_SOURCE WORK_DIR BUILD_TYPE CXX CXX_FLAGS CXX_FLAGS_OF_TYPE LINKER_FLAGS
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
for f in include/gradaudit/gradaudit.hpp include/gradaudit/testing/claim.hpp; do
  [ -f "$work/prefix/$f" ] || { echo "consumer check: the package lacks $f"; exit 1; }
done
config=$(find "$work/prefix" -name gradauditConfig.cmake | head -1)
[ -n "$config" ] || { echo "consumer check: the package lacks gradauditConfig.cmake"; exit 1; }
upper=$(echo "$type" | tr '[:lower:]' '[:upper:]')
step configure cmake -S "$src" -B "$work/build" -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE="$type" \
  -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_CXX_FLAGS="$flags" "-DCMAKE_CXX_FLAGS_$upper=$type_flags" \
  -DCMAKE_EXE_LINKER_FLAGS="$ldflags"
step build cmake --build "$work/build" -j2
echo "consumer check: installed to $work/prefix, found $config"
env -u GTEST_TOTAL_SHARDS -u GTEST_SHARD_INDEX "$work/build/audit_log_cosh"
