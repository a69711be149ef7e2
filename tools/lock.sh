#!/usr/bin/env bash
# tools/lock.sh [UV-OPTION...]      (`make lock` runs it, with uv installed into .venv)
# tools/lock.sh --check             only the check below, of the lock as it is
#
# Regenerates requirements.lock from pyproject.toml (the dependencies and the dev extra;
# torch stays out, `make torch` adds it) as ONE universal lock: uv resolves it for every
# Python that requires-python admits, from 3.11.0 on, and writes markers where a Python
# needs another version (soupsieve 3.0.2 and later need 3.11.5, Debian 12 has 3.11.2) or
# a platform needs an extra package. pip installs it as it is, with no uv. The versions
# already in the lock are kept where they still fit (uv prefers them); pass --upgrade
# (make lock LOCK_ARGS=--upgrade) to move everything to the newest that fits.
#
# Then it checks the lock for each Python that Debian and Ubuntu ship and requires-python
# admits (3.11.2, 3.12, 3.13), on Linux: uv resolves the lock's own pins for that Python
# alone, which fails if a pin does not fit it, and every package that Python needs must be
# pinned in the lock at the version uv chose (else the lock misses a dependency there).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
uv=${UV:-uv}
pythons="3.11.2 3.12 3.13"
platform=x86_64-manylinux_2_36 # glibc 2.36 is Debian 12's, the oldest of them

if [ "${1:-}" != --check ]; then
  "$uv" pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
    --custom-compile-command "make lock" --quiet "$@" -o requirements.lock
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for py in $pythons; do
  if ! "$uv" pip compile requirements.lock --python-version "$py" --python-platform "$platform" \
    --no-header --no-annotate --quiet -o "$tmp/$py.txt" 2>"$tmp/$py.err"; then
    echo "error: requirements.lock does not install on Python $py:" \
      "$(grep -m1 -E 'because|cause' "$tmp/$py.err" | sed -E 's/^ *(cause: )?//')" >&2
    exit 1
  fi
  while read -r pin; do
    # "name==version" alone or followed by " ; marker" (uv writes both in this form)
    if ! grep -qE "^${pin//./\\.}( ;|$)" requirements.lock; then
      echo "error: requirements.lock misses $pin for Python $py" >&2
      exit 1
    fi
  done < <(grep -E '^[A-Za-z0-9]' "$tmp/$py.txt")
done
echo "requirements.lock: $(grep -cE '^[A-Za-z0-9]' requirements.lock) pins, checked for Python ${pythons// /, }"
