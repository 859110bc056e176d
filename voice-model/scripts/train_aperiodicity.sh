#!/usr/bin/env bash
# Rebuilds the shipped aperiodicity model (voice-model/src/main/resources/dev/voxpipe/model/aperiodicity), the harmonic
# vocoder's learned part, from a clean machine: real speech (the French and Russian readers, the shared English
# speaker's pretraining and few-shot clips) and three synthetic Debian male voices for low pitch (no real male reader
# exists here). Held out: the Italian reader and flite_rms (the report's other speakers) and the shared speaker's
# validation and test clips.
# Usage: voice-model/scripts/train_aperiodicity.sh [OUT] [STEPS]   (1500 steps: 224 s of CPU, 4 min wall, on this 2-core machine)
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-voice-model/src/main/resources/dev/voxpipe/model/aperiodicity}
STEPS=${2:-1500}
# shellcheck source=voice-model/scripts/small-model-data.sh
. voice-model/scripts/small-model-data.sh
# shellcheck source=voice-model/scripts/bench-env.sh
. voice-model/scripts/bench-env.sh
speakers=$REAL_SPEAKERS
for v in flite_kal16 flite_awb festival_ked_diphone; do speakers="$speakers,data/corpus-eval/$v"; done
bench_java dev.voxpipe.model.train.AperiodicityTrain --speakers "$speakers" --out "$OUT" --steps "$STEPS" --limit 250 --seed 1
mkdir -p voice-model/models/aperiodicity-v1
mv "$OUT/loss.csv" voice-model/models/aperiodicity-v1/loss.csv
cp "$OUT/info.txt" voice-model/models/aperiodicity-v1/info.txt
