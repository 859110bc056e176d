#!/usr/bin/env bash
# Pretrains the base model (resumable: rerun the same command after a kill -9).
# Usage: voice-model/scripts/pretrain.sh [--corpus DIR] [--run DIR] [--hold-out SPK] [--minutes N] ...
# Then copy RUN/base/* to voice-model/src/main/resources/dev/voxpipe/model/base/ to ship it.
set -eu
cd "$(dirname "$0")/../.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
mvn -q -o -pl voice-model compile dependency:build-classpath -Dmdep.outputFile="$PWD/voice-model/target/cp.txt" -Dmdep.includeScope=test >/dev/null || { echo "build failed" >&2; exit 1; }
# A private copy of the classes, so that rebuilding the module does not pull them from under the run.
SNAP=$(mktemp -d /tmp/voxpipe-pretrain-classes.XXXXXX)
cp -r voice-model/target/classes/. "$SNAP/"
# One intra-op thread: on shared, oversubscribed cores OpenMP spinning costs more than it gains.
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
exec nice -n "${NICE:-10}" "$JAVA_HOME/bin/java" -Xmx3g -Dai.djl.offline=true \
  -Dai.djl.pytorch.num_threads=${TORCH_THREADS:-1} -Dai.djl.pytorch.num_interop_threads=1 \
  -cp "$SNAP:$(cat voice-model/target/cp.txt)" dev.voxpipe.model.train.Pretrain "$@"
