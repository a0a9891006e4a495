#!/usr/bin/env bash
# Runs the ARR-COC workload tests in a cached virtualenv keyed by the requirements files.
# Usage (from anywhere): bash workloads/arr-coc/test.sh [extra pytest args]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="${PYTHON:-python3}"

if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "arr-coc tests need Python >= 3.11 (numpy 2.4, gradio 6); got $("$python" --version 2>&1)" >&2
  exit 2
fi

key="$(cat "$here/requirements.txt" "$here/requirements-test.txt" | sha256sum | cut -c1-16)"
venv="$HOME/.cache/spaceport/venv/arr-coc-$key"

if [[ ! -f "$venv/.installed" ]]; then
  # Build in a private directory, then rename: concurrent runs never see a half-built venv.
  # (Always call "python -m ...": console-script shebangs would still name the temporary path.)
  mkdir -p "$(dirname "$venv")"
  build="$(mktemp -d "$venv.build.XXXXXX")"
  trap 'rm -rf "$build"' EXIT
  started=$SECONDS
  "$python" -m venv "$build"
  "$build/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
  "$build/bin/python" -m pip install --quiet --disable-pip-version-check \
    -r "$here/requirements.txt" -r "$here/requirements-test.txt"
  touch "$build/.installed"
  if [[ -d "$venv" && ! -f "$venv/.installed" ]]; then
    rm -rf "$venv"  # a leftover from an interrupted older run
  fi
  if mv -T "$build" "$venv" 2>/dev/null; then
    echo "arr-coc: created $venv in $((SECONDS - started))s" >&2
  fi  # else another run finished first; its venv is identical, use it
  trap - EXIT
  rm -rf "$build"
fi

# No telemetry, no Hub access, no Node SSR server, no stray bytecode in the tree.
export GRADIO_ANALYTICS_ENABLED=False GRADIO_SSR_MODE=false HF_HUB_OFFLINE=1 HF_HUB_DISABLE_TELEMETRY=1
export PYTHONDONTWRITEBYTECODE=1
cd "$here"
set +e
"$venv/bin/python" -m pytest -q -p no:cacheprovider tests "$@"
exit $?
