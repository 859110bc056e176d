#!/usr/bin/env bash
# Issue 22: the synth worker's resident memory against the voices it serves, over rounds (SynthMemorySoak).
# Usage: bench/synth-memory/run.sh [voices=40] [rounds=4] [chunks=2] [cacheMiB=256] [slice=all] [textChars=60]
# Environment: SYNTH_JAVA_OPTS (default -Xmx2g); TORCH_THREADS / TORCH_INTEROP_THREADS set
# -Dai.djl.pytorch.num_threads / num_interop_threads and OMP_NUM_THREADS; MALLOC_ARENA_MAX is passed through.
set -eu
cd "$(dirname "$0")/../.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
# one reactor run: the module's classpath names the sibling modules' target/classes, not older installed jars
mvn -q -o -pl synth-worker -am test-compile dependency:build-classpath -Dmdep.outputFile="$PWD/synth-worker/target/cp.txt" \
  -Dmdep.includeScope=test >/dev/null || { echo "build failed" >&2; exit 1; }
threads=()
if [ -n "${TORCH_THREADS:-}" ]; then
  export OMP_NUM_THREADS=$TORCH_THREADS
  threads+=(-Dai.djl.pytorch.num_threads="$TORCH_THREADS")
fi
[ -n "${TORCH_INTEROP_THREADS:-}" ] && threads+=(-Dai.djl.pytorch.num_interop_threads="$TORCH_INTEROP_THREADS")
# shellcheck disable=SC2086 # the options are words on purpose
exec "$JAVA_HOME/bin/java" ${SYNTH_JAVA_OPTS:--Xmx2g} -Dai.djl.offline=true "${threads[@]}" \
  -Dlogback.configurationFile=voice-model/src/test/resources/logback-test.xml \
  -cp "synth-worker/target/classes:synth-worker/target/test-classes:$(cat synth-worker/target/cp.txt)" \
  dev.voxpipe.synth.bench.SynthMemorySoak "$@"
