#!/usr/bin/env bash
# Runs the Hub client suite (test_spaces_api.py) with the pinned huggingface_hub of one release line, in a
# cached venv (venv.sh). The hub and the users come from the environment: HF_ENDPOINT, HF_TOKEN,
# SPACEPORT_OWNER, SPACEPORT_OTHER_TOKEN, SPACEPORT_HARDWARE, SPACEPORT_OTHER_HARDWARE and optionally
# SPACEPORT_WAIT_SECONDS (see the test module's docstring).
# Usage (from anywhere): src/test/python/hub_client/run.sh 2|1 [pytest args]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
line="${1:-}"
if [[ "$line" != 1 && "$line" != 2 ]]; then
  echo "usage: $0 VERSION_LINE [pytest args]   (VERSION_LINE: 2 = newest huggingface_hub 2.x, 1 = newest 1.x)" >&2
  exit 2
fi
shift
venv="$("$here/venv.sh" "$line")"  # built once, cached under ~/.cache/spaceport/venv

# A home of its own: the client neither reads a token stored by a real login nor writes into the user's
# cache. No telemetry, no progress bars in the logs, no stray bytecode in the tree.
hf_home="$(mktemp -d "${TMPDIR:-/tmp}/hub-client-hf-home.XXXXXX")"
trap 'rm -rf "$hf_home"' EXIT
export HF_HOME="$hf_home"
export HF_HUB_DISABLE_TELEMETRY=1 HF_HUB_DISABLE_PROGRESS_BARS=1 HF_HUB_DISABLE_UPDATE_CHECK=1
export PYTHONDONTWRITEBYTECODE=1

"$venv/bin/python" - <<'PY'
import importlib.util, sys
import huggingface_hub
xet = "with hf_xet" if importlib.util.find_spec("hf_xet") else "without hf_xet"
print(f"huggingface_hub {huggingface_hub.__version__} ({xet}, Python {sys.version.split()[0]})", flush=True)
PY

cd "$here"
set +e
"$venv/bin/python" -m pytest -q -p no:cacheprovider "$@"
exit $?
