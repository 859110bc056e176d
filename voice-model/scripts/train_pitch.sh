#!/usr/bin/env bash
# Rebuilds the shipped pitch model (voice-model/src/main/resources/dev/voxpipe/model/pitch) from a clean machine:
# the real-speech corpus (French and Russian readers), the shared English speaker's pretraining and few-shot clips,
# and five synthetic Debian voices. Held out: the Italian reader (the report's second real speaker) and flite_rms.
# Usage: voice-model/scripts/train_pitch.sh [OUT] [STEPS]   (2400 steps: 396 s of CPU, 7 min wall, on this 2-core machine)
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-voice-model/src/main/resources/dev/voxpipe/model/pitch}
STEPS=${2:-2400}
# shellcheck source=voice-model/scripts/small-model-data.sh
. voice-model/scripts/small-model-data.sh
# shellcheck source=voice-model/scripts/bench-env.sh
. voice-model/scripts/bench-env.sh
speakers=$REAL_SPEAKERS
for v in flite_kal16 flite_awb flite_slt festival_ked_diphone espeak_female; do speakers="$speakers,data/corpus-eval/$v"; done
bench_java dev.voxpipe.model.train.PitchTrain --speakers "$speakers" --out "$OUT" --steps "$STEPS" --limit 400 --seed 1
mkdir -p voice-model/models/pitch-v1
mv "$OUT/loss.csv" voice-model/models/pitch-v1/loss.csv
cp "$OUT/info.txt" voice-model/models/pitch-v1/info.txt
