#!/usr/bin/env bash
# Ingest load benchmark (issue 4): synthesis submissions at 200 connections and 50 concurrent
# 5 MB uploads against the local stack on 127.0.0.1, ingest in its own JVM with -Xmx256m.
# Usage: bench/ingest/run.sh [requests=30000] [seconds=60] [uploadRounds=3]
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAVA="$JAVA_HOME/bin/java"
mvn -q -o -pl ingest test-compile
CP_FILE="$PWD/ingest/target/bench-classpath.txt"
mvn -q -o -pl ingest dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE" >/dev/null
CP="ingest/target/test-classes:ingest/target/classes:$(cat "$CP_FILE")"
OUT=bench/ingest/last-run.txt
"$JAVA" -Xmx1g -cp "$CP" -Dlogback.configurationFile=bench/ingest/logback-bench.xml \
  dev.voxpipe.ingest.bench.IngestLoadBench "$@" 2>&1 | tee "$OUT"
echo "results saved to $OUT"
