#!/usr/bin/env bash
# Issue 22: the trainer worker's resident memory against the batch size and the number of jobs run (TrainerMemorySoak).
# Usage: bench/trainer-memory/run.sh [jobs=4] [steps=20] [clips=15] [seconds=4] [microBatches=1]
# Environment: BATCH_FRAMES (-Dvoxpipe.fineTuneBatchFrames, default 2400 padded frames a step); TRAINER_JAVA_OPTS
# (default -Xmx1g); TORCH_THREADS / TORCH_INTEROP_THREADS set -Dai.djl.pytorch.num_threads / num_interop_threads and
# OMP_NUM_THREADS; MALLOC_ARENA_MAX is passed through.
set -eu
cd "$(dirname "$0")/../.."
export JAVA_HOME=${JAVA_HOME:-$(scripts/find-jdk.sh)}
# one reactor run: the module's classpath names the sibling modules' target/classes, not older installed jars
mvn -q -o -pl trainer-worker -am test-compile dependency:build-classpath -Dmdep.outputFile="$PWD/trainer-worker/target/cp.txt" \
  -Dmdep.includeScope=test >/dev/null || { echo "build failed" >&2; exit 1; }
opts=()
if [ -n "${TORCH_THREADS:-}" ]; then
  export OMP_NUM_THREADS=$TORCH_THREADS
  opts+=(-Dai.djl.pytorch.num_threads="$TORCH_THREADS")
fi
[ -n "${TORCH_INTEROP_THREADS:-}" ] && opts+=(-Dai.djl.pytorch.num_interop_threads="$TORCH_INTEROP_THREADS")
[ -n "${BATCH_FRAMES:-}" ] && opts+=(-Dvoxpipe.fineTuneBatchFrames="$BATCH_FRAMES")
# shellcheck disable=SC2086
exec "$JAVA_HOME/bin/java" ${TRAINER_JAVA_OPTS:--Xmx1g} -Dai.djl.offline=true "${opts[@]}" \
  -Dlogback.configurationFile=voice-model/src/test/resources/logback-test.xml \
  -cp "trainer-worker/target/classes:trainer-worker/target/test-classes:$(cat trainer-worker/target/cp.txt)" \
  dev.voxpipe.trainer.bench.TrainerMemorySoak "$@"
