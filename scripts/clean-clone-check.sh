#!/usr/bin/env bash
# Clean-clone check: builds and tests a fresh clone of HEAD while everything the project might read by accident is
# hidden, so that any test or build step that reads outside its repository fails.
# Hidden (empty tmpfs mounted over them, in a private mount namespace): this checkout (its data/, out/, runs/,
# target/ ...), the sibling ../shared reading material, and /work/vm-runs. Still visible, as on any build machine:
# the JDK, Maven's ~/.m2, Debian's packages (/usr), /tmp.
# Usage: scripts/clean-clone-check.sh [--fast]   (--fast: unit tests only; default: ./voxpipe test, everything)
# Needs root (unshare -m, mount); exits with the test command's status.
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
MODE=${1:-}
if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null; then
  echo "clean-clone-check: needs root and unshare (util-linux) to hide paths in a private mount namespace" >&2
  exit 2
fi
WORK=$(mktemp -d /tmp/voxpipe-clean-clone.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
git clone -q "$HERE" "$WORK/repo"
echo "clean clone of $(git -C "$HERE" rev-parse --short HEAD) in $WORK/repo; hiding $HERE and its siblings' shared material"
hide=("$HERE")
[ -d "$HERE/../shared" ] && hide+=("$(cd "$HERE/../shared" && pwd)")
[ -d /work/vm-runs ] && hide+=(/work/vm-runs)
# shellcheck disable=SC2016
unshare -m --propagation private bash -c '
  set -euo pipefail
  repo=$1; mode=$2; shift 2
  for p in "$@"; do mount -t tmpfs -o ro,size=1m voxpipe-hidden "$p"; done
  for p in "$@"; do [ -z "$(ls -A "$p")" ] || { echo "could not hide $p" >&2; exit 2; }; done
  cd "$repo"
  if [ "$mode" = --fast ]; then ./voxpipe test --fast; else ./voxpipe test; fi
' clean-clone "$WORK/repo" "$MODE" "${hide[@]}"
