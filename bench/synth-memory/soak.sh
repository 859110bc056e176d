#!/usr/bin/env bash
# Issue 22: the long native-memory soak of the synth worker: rounds of synthesis through the worker's own stages
# (SynthMemorySoak) for MINUTES minutes at low priority, RSS after every round, and at the end the growth after
# warm-up (median of the last 5 rounds minus the first 5). The suite's short form is SynthNativeMemorySoakTest.
# Usage: bench/synth-memory/soak.sh [minutes=30] [voices=6] [chunks=2] [textChars=200]   (render slice 2, cache 256 MiB)
# Environment: SYNTH_JAVA_OPTS (default -Xmx1g), SOAK_NICE (default 15).
set -eu
cd "$(dirname "$0")/../.."
export JAVA_HOME=${JAVA_HOME:-$(scripts/find-jdk.sh)}
mvn -q -o -pl synth-worker -am test-compile dependency:build-classpath -Dmdep.outputFile="$PWD/synth-worker/target/cp.txt" \
  -Dmdep.includeScope=test >/dev/null || { echo "build failed" >&2; exit 1; }
# A soak runs for an hour: from a copy of the classes, so that a build in this checkout cannot pull them from under it.
snapshot=$(mktemp -d /tmp/voxpipe-soak-classes.XXXXXX)
trap 'rm -rf "$snapshot"' EXIT
entries=()
i=0
for entry in synth-worker/target/classes synth-worker/target/test-classes $(tr ':' ' ' < synth-worker/target/cp.txt); do
  if [ -d "$entry" ]; then i=$((i + 1)); cp -r "$entry" "$snapshot/$i"; entries+=("$snapshot/$i"); else entries+=("$entry"); fi
done
classpath=$(IFS=:; echo "${entries[*]}")
# shellcheck disable=SC2086
nice -n "${SOAK_NICE:-15}" "$JAVA_HOME/bin/java" ${SYNTH_JAVA_OPTS:--Xmx1g} -Dsoak.minutes="${1:-30}" -Dai.djl.offline=true \
  -Dlogback.configurationFile=voice-model/src/test/resources/logback-test.xml -cp "$classpath" \
  dev.voxpipe.synth.bench.SynthMemorySoak "${2:-6}" 1000000 "${3:-2}" 256 2 "${4:-200}"
