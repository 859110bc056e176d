#!/usr/bin/env bash
# Installs the Debian packages the tests use, if missing (idempotent):
#   ffmpeg, sox            reference DSP, G.722 decoding, compressed audiobook formats
#   asterisk sounds        the real speaker (English; bundled transcripts) and the French speaker
#   flite, pocketsphinx    the corpus builder's test and WER in the evaluation harness
#   French Asterisk sounds, espeak-ng   the real-speech corpus builder's test (a real speaker, espeak-ng phonemes)
#   Spanish Asterisk sounds   LongUploadLabellingIT: a long upload in a language the recogniser does not know
#   docker-compose         validates compose/ (the docker CLI here has no compose plugin)
#   shellcheck             lints the image scripts
#   prometheus             promtool, which loads and unit-tests the alert rules (ComposeAlertRulesTest)
#   chromium, chromium-driver   the web console's end-to-end test (headless, over WebDriver)
set -euo pipefail
packages=(ffmpeg sox asterisk-core-sounds-en-g722 asterisk-core-sounds-fr-g722 asterisk-core-sounds-fr asterisk-core-sounds-es-g722 espeak-ng flite pocketsphinx pocketsphinx-en-us docker-compose shellcheck prometheus chromium chromium-driver)
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
