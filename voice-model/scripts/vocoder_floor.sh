#!/usr/bin/env bash
# The vocoder floor on the evaluation protocol's VALIDATION split: each recording's own log-mel through Griffin-Lim
# and through the harmonic-plus-noise vocoder (given the recording's F0), scored like the clone report.
# Usage: voice-model/scripts/vocoder_floor.sh OUT NAME [-Dvoxpipe.hnm.maxVoicedHz=5000 -Dvoxpipe.hnm.voicedNoise=0 ...]
#   OUT/NAME.md and .json; run voice_report.sh once first (it makes the splits).
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=$1; NAME=$2; shift 2
# shellcheck source=voice-model/scripts/bench-env.sh
. voice-model/scripts/bench-env.sh
for spk in real:data/real-speaker flite_rms:data/protocol/flite_rms asterisk_it_it:data/protocol/asterisk_it_it; do
  bench_java "$@" dev.voxpipe.model.bench.VocoderComparison --heldout "${spk#*:}/validation" --out "data/vocoder-floor/$NAME/${spk%%:*}"
done
speech-tools/bin/speech-tools clone-report --run "data/vocoder-floor/$NAME" --speakers real:en,flite_rms:en,asterisk_it_it:it \
  --out "$OUT/$NAME" --title "Vocoder floor, validation split: $NAME ($*)" >/dev/null
