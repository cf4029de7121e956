#!/usr/bin/env bash
# The main job: builds GovChain and runs the demonstration of a department network.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "[demo] building"
dotnet build tools/Cli -c Release --nologo --verbosity quiet -clp:ErrorsOnly
exec dotnet tools/Cli/bin/Release/net10.0/govchain.dll demo "$@"
