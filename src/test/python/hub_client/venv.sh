#!/usr/bin/env bash
# Prints the path of a cached virtualenv with pytest and the pinned huggingface_hub of one release line,
# building it first when missing: ~/.cache/spaceport/venv/hub-client-<pinned version>-<hash of the file>.
# Usage: src/test/python/hub_client/venv.sh VERSION_LINE   (2: requirements-2.txt, the newest 2.x;
# 1: requirements-1.txt, the newest 1.x). The client keeps its default dependencies (hf_xet on x86_64 and
# arm64), as users have them. Used by run.sh and by the Java integration test.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="${PYTHON:-python3}"
line="${1:-}"
if [[ "$line" != 1 && "$line" != 2 ]]; then
  echo "usage: $0 VERSION_LINE   (1 or 2: the huggingface_hub release line to install)" >&2
  exit 2
fi
reqs="$here/requirements-$line.txt"

if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))'; then
  echo "the hub client tests need Python >= 3.10 (huggingface_hub 2.x); got $("$python" --version 2>&1)" >&2
  exit 2
fi

pin="$(sed -n 's/^huggingface_hub==\([^[:space:]#]*\).*/\1/p' "$reqs")"
if [[ -z "$pin" ]]; then
  echo "$reqs pins no huggingface_hub==VERSION" >&2
  exit 2
fi
key="$(sha256sum <"$reqs" | cut -c1-12)"
venv="$HOME/.cache/spaceport/venv/hub-client-$pin-$key"

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
  "$build/bin/python" -m pip install --quiet --disable-pip-version-check -r "$reqs" >&2
  touch "$build/.installed"
  if [[ -d "$venv" && ! -f "$venv/.installed" ]]; then
    rm -rf "$venv"  # a leftover from an interrupted older run
  fi
  if mv -T "$build" "$venv" 2>/dev/null; then
    echo "hub-client: created $venv in $((SECONDS - started))s" >&2
  fi  # else another run finished first; its venv is identical, use it
  trap - EXIT
  rm -rf "$build"
fi
echo "$venv"
