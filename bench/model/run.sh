#!/usr/bin/env bash
# Synthesis real-time factor of the shipped base on this machine: acoustic model, pitch model, harmonic vocoder
# against Griffin-Lim on the same mels, and the full call with either vocoder (min and median over rounds).
# Usage: bench/model/run.sh [--base DIR] [--voice FILE.delta] [--rounds N]   (TORCH_THREADS=2 to use both cores)
set -eu
cd "$(dirname "$0")/../.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
mvn -q -o -pl voice-model test-compile dependency:build-classpath -Dmdep.outputFile="$PWD/voice-model/target/cp.txt" \
  -Dmdep.includeScope=test >/dev/null || { echo "build failed" >&2; exit 1; }
export OMP_NUM_THREADS=${TORCH_THREADS:-1}
exec "$JAVA_HOME/bin/java" -Xmx2g -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=${TORCH_THREADS:-1} \
  -Dlogback.configurationFile=voice-model/src/test/resources/logback-test.xml \
  -cp "voice-model/target/classes:voice-model/target/test-classes:$(cat voice-model/target/cp.txt)" \
  dev.voxpipe.model.bench.SynthesisBench "$@"
