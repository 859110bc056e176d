#!/usr/bin/env bash
# Issue 22: recovery time after a crash, on the real local stack (RecoveryBench): kill -9 of the feature worker and of
# the audiobook app (each restarted at once) → their next output; kill -9 of the broker (restarted at once) → the first
# accepted write and the next processed upload. Prints a Markdown table with every round and the load average.
# Usage: bench/recovery/run.sh [rounds=3] [voices=20] [books=6]
# Settings under test: RECOVERY_OPTS="-Dvoxpipe.x=y ..." reach ingest, the synth worker and both killed workers.
set -eu
cd "$(dirname "$0")/../.."
export JAVA_HOME=${JAVA_HOME:-$(scripts/find-jdk.sh)}
mvn -q -o -pl launcher -am test-compile dependency:build-classpath -Dmdep.outputFile="$PWD/launcher/target/test-cp.txt" \
  -Dmdep.includeScope=test >/dev/null || { echo "build failed" >&2; exit 1; }
# The workers it kills start again from these classes for many minutes: run from a copy, so that a build in this
# checkout meanwhile cannot pull classes from under them.
snapshot=$(mktemp -d /tmp/voxpipe-recovery-classes.XXXXXX)
trap 'rm -rf "$snapshot"' EXIT
cp_entries=()
i=0
for entry in launcher/target/classes launcher/target/test-classes $(tr ':' ' ' < launcher/target/test-cp.txt); do
  if [ -d "$entry" ]; then
    i=$((i + 1)); cp -r "$entry" "$snapshot/$i"; cp_entries+=("$snapshot/$i")
  else
    cp_entries+=("$entry")
  fi
done
classpath=$(IFS=:; echo "${cp_entries[*]}")
mkdir -p data
# shellcheck disable=SC2086
"$JAVA_HOME/bin/java" -Xmx2g -Dai.djl.offline=true ${RECOVERY_OPTS:-} -DVOXPIPE_LOG_FILE=data/recovery-bench.log \
  -Dlogback.configurationFile=launcher/src/main/resources/logback.xml -cp "$classpath" dev.voxpipe.launcher.RecoveryBench "$@"
