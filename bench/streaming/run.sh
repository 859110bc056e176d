#!/usr/bin/env bash
# Streaming: time to the first audio byte and end-to-end real-time factor of GPT-SoVITS-style /tts on a one-machine
# serve (local stack, every worker, ingest), one-sentence and ten-sentence requests, streamed and whole; the model
# alone on the same texts; and where the end-to-end time goes, stage by stage, from the events' timestamps.
# Usage: bench/streaming/run.sh [ROUNDS]   (default 5; prints Markdown tables)
set -eu
cd "$(dirname "$0")/../.."
export JAVA_HOME=${JAVA_HOME:-$(scripts/find-jdk.sh)}
mvn -q -o -pl launcher -am test-compile dependency:build-classpath -Dmdep.outputFile="$PWD/launcher/target/test-cp.txt" \
  -Dmdep.includeScope=test >/dev/null || { echo "build failed" >&2; exit 1; }
mkdir -p data
exec "$JAVA_HOME/bin/java" -Xmx3g -Dai.djl.offline=true -DVOXPIPE_LOG_FILE=data/streaming-bench.log -Dlogback.configurationFile=launcher/src/main/resources/logback.xml \
  -cp "launcher/target/classes:launcher/target/test-classes:$(cat launcher/target/test-cp.txt)" \
  dev.voxpipe.launcher.StreamingBench "$@"
