#!/usr/bin/env bash
# Prints the path of a cached virtualenv with the given requirements files installed, building it
# first when missing: ~/.cache/spaceport/venv/arr-coc-<hash of the files' contents>.
# Usage: workloads/arr-coc/venv.sh [REQUIREMENTS_FILE...]   (default: requirements.txt requirements-test.txt,
# the app and its tests; relative names are taken from this directory). Used by test.sh and cluster/pod-apps.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="${PYTHON:-python3}"
(( $# )) || set -- requirements.txt requirements-test.txt
files=()
for f in "$@"; do [[ "$f" == /* ]] && files+=("$f") || files+=("$here/$f"); done

if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "arr-coc needs Python >= 3.11 (numpy 2.4, gradio 6); got $("$python" --version 2>&1)" >&2
  exit 2
fi

key="$(cat "${files[@]}" | sha256sum | cut -c1-16)"
venv="$HOME/.cache/spaceport/venv/arr-coc-$key"

if [[ ! -f "$venv/.installed" ]]; then
  # Build in a private directory, then rename: concurrent runs never see a half-built venv.
  # (Always call "python -m ...": console-script shebangs would still name the temporary path.)
  mkdir -p "$(dirname "$venv")"
  build="$(mktemp -d "$venv.build.XXXXXX")"
  trap 'rm -rf "$build"' EXIT
  started=$SECONDS
  "$python" -m venv "$build"
  # pip's output goes to stderr: stdout carries only the venv's path.
  "$build/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >&2
  reqs=()
  for f in "${files[@]}"; do reqs+=(-r "$f"); done
  "$build/bin/python" -m pip install --quiet --disable-pip-version-check "${reqs[@]}" >&2
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
echo "$venv"
