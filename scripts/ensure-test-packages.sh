#!/usr/bin/env bash
# Installs the Debian packages the tests use, if missing (idempotent):
#   ffmpeg, sox            reference DSP, G.722 decoding, compressed audiobook formats
#   asterisk sounds        the real speaker (see ../shared/README.md)
#   flite, pocketsphinx    the corpus builder's test and WER in the evaluation harness
#   docker-compose         validates compose/ (the docker CLI here has no compose plugin)
#   shellcheck             lints the image scripts
set -euo pipefail
packages=(ffmpeg sox asterisk-core-sounds-en-g722 flite pocketsphinx pocketsphinx-en-us docker-compose shellcheck)
need=()
for pkg in "${packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
[ ${#need[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "voxpipe: the tests need these packages (Debian names): ${need[*]}" >&2
  exit 1
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "voxpipe: installing ${need[*]} ..."
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >/dev/null
$SUDO apt-get install -y -q "${need[@]}" >/dev/null
