#!/usr/bin/env bash
# Reproduces the harness report: baseline / zero-shot / few-shot (and the vocoder floor) for the real speaker
# and the held-out corpus voice, then scores each with speech-tools' evaluation harness.
# Usage: voice-model/scripts/evaluate_clone.sh BASE_DIR OUT [FINE_TUNE_STEPS] [--lr 3e-3]
#   BASE_DIR: a checkpoint dir (e.g. voice-model/src/main/resources/dev/voxpipe/model/base)
# Needs: speech-tools real-speaker split in $REAL (default data/real-speaker: speech-tools/bin/speech-tools
#        real-speaker --out data/real-speaker --seconds 60) and the held-out corpus voice in $HELDOUT_SPEAKER.
set -eu
cd "$(dirname "$0")/../.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
BASE=$1; OUT=$2; STEPS=${3:-300}; shift $(( $# < 3 ? $# : 3 ))
REAL=${REAL:-data/real-speaker}
HELDOUT_SPEAKER=${HELDOUT_SPEAKER:-/tmp/vm-corpus/flite_rms}
mvn -q -o -pl voice-model test-compile dependency:build-classpath -Dmdep.outputFile="$PWD/voice-model/target/cp.txt" \
  -Dmdep.includeScope=test >/dev/null || { echo "build failed" >&2; exit 1; }
export OMP_NUM_THREADS=1
J="$JAVA_HOME/bin/java -Xmx2g -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1 \
  -Dlogback.configurationFile=voice-model/src/test/resources/logback-test.xml \
  -cp voice-model/target/classes:voice-model/target/test-classes:$(cat voice-model/target/cp.txt)"
$J dev.voxpipe.model.bench.CloneEvaluation --base "$BASE" --fewshot "$REAL/fewshot" --heldout "$REAL/heldout" \
  --out "$OUT/real" --limit 10 --steps "$STEPS" "$@"
$J dev.voxpipe.model.bench.CloneEvaluation --base "$BASE" --speaker "$HELDOUT_SPEAKER" --fewshot-seconds 60 \
  --out "$OUT/rms" --limit 10 --steps "$STEPS" "$@"
for spk in real rms; do
  for c in vocoded baseline zeroshot fewshot; do
    speech-tools/bin/speech-tools evaluate --synth "$OUT/$spk/$c" --ref "$OUT/$spk/ref" \
      --out "$OUT/$spk/report-$c" --label "$spk-$c" | grep -E "^\| $spk" || true
  done
done
