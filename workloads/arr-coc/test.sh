#!/usr/bin/env bash
# Runs the ARR-COC workload tests in a cached virtualenv keyed by the requirements files.
# Usage (from anywhere): bash workloads/arr-coc/test.sh [extra pytest args]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$("$here/venv.sh")"  # built once, cached under ~/.cache/spaceport/venv

# No telemetry, no Hub access, no Node SSR server, no stray bytecode in the tree.
export GRADIO_ANALYTICS_ENABLED=False GRADIO_SSR_MODE=false HF_HUB_OFFLINE=1 HF_HUB_DISABLE_TELEMETRY=1
export PYTHONDONTWRITEBYTECODE=1
cd "$here"
set +e
"$venv/bin/python" -m pytest -q -p no:cacheprovider tests "$@"
exit $?
