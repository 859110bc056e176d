#!/usr/bin/env bash
# The vocoder floor on the evaluation protocol's VALIDATION split: each recording's own log-mel through Griffin-Lim
# and through the harmonic-plus-noise vocoder (given the recording's F0), scored like the clone report.
# Usage: voice-model/scripts/vocoder_floor.sh OUT NAME [-Dvoxpipe.hnm.maxVoicedHz=5000 -Dvoxpipe.hnm.voicedNoise=0 ...]
#   OUT/NAME.md and .json; run voice_report.sh once first (it makes the splits).
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=$1; NAME=$2; shift 2
for j in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-21-jdk-amd64; do
  [ -n "$j" ] && [ -x "$j/bin/java" ] && export JAVA_HOME=$j && break
done
mvn -q -o -pl voice-model test-compile dependency:build-classpath -Dmdep.outputFile="$PWD/voice-model/target/cp.txt" \
  -Dmdep.includeScope=test >/dev/null
export OMP_NUM_THREADS=1
CP="voice-model/target/classes:voice-model/target/test-classes:$(cat voice-model/target/cp.txt)"
for spk in real:data/real-speaker flite_rms:data/protocol/flite_rms asterisk_it_it:data/protocol/asterisk_it_it; do
  "$JAVA_HOME/bin/java" -Xmx3g -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1 "$@" \
    -Dlogback.configurationFile=voice-model/src/test/resources/logback-test.xml -cp "$CP" \
    dev.voxpipe.model.bench.VocoderComparison --heldout "${spk#*:}/validation" --out "data/vocoder-floor/$NAME/${spk%%:*}"
done
speech-tools/bin/speech-tools clone-report --run "data/vocoder-floor/$NAME" --speakers real:en,flite_rms:en,asterisk_it_it:it \
  --out "$OUT/$NAME" --title "Vocoder floor, validation split: $NAME ($*)" >/dev/null
