#!/usr/bin/env bash
# Text frontend throughput (issue 5). Usage: bench/text/run.sh [chars=1048576]
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
mvn -q -o -pl text-frontend test-compile
CP_FILE="$PWD/text-frontend/target/bench-classpath.txt"
mvn -q -o -pl text-frontend dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE" >/dev/null
CP="text-frontend/target/test-classes:text-frontend/target/classes:$(cat "$CP_FILE")"
OUT=bench/text/last-run.txt
"$JAVA_HOME/bin/java" -Xmx1g -cp "$CP" dev.voxpipe.text.bench.TextFrontendBench "$@" 2>&1 | grep -v DEBUG | tee "$OUT"
echo "results saved to $OUT"
