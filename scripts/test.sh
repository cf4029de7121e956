#!/usr/bin/env bash
# Runs every test of GovChain: sets up what is missing, builds once, runs all test projects,
# prints one summary line "N passed, N failed" and exits non-zero when a test failed or none ran.
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh --npm --browser || exit 1

echo "[test] building (Release)"
dotnet build GovChain.sln -c Release --nologo --verbosity quiet -clp:ErrorsOnly || { echo "[test] build failed"; exit 1; }

log=$(mktemp)
trap 'rm -f "$log"' EXIT
echo "[test] running tests"
# Each test project bounds itself; the hang guard only keeps a stuck run from eating CI's time.
dotnet test GovChain.sln -c Release --no-build --nologo \
  --blame-hang-timeout 8m --logger "console;verbosity=minimal" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -Eo 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
echo
echo "${passed} passed, ${failed} failed, ${skipped} skipped"

if [ "$passed" -eq 0 ]; then
  echo "[test] no test ran" >&2
  exit 1
fi
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ]; then
  exit 1
fi
