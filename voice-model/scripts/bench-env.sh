# shellcheck shell=bash
# Sourced by the evaluation scripts here: a JDK >= 21, voice-model's test classes built offline, and bench_java to
# run a bench main class with one torch thread (the figures are deterministic that way).
for j in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-21-jdk-amd64; do
  [ -n "$j" ] && [ -x "$j/bin/java" ] && export JAVA_HOME=$j && break
done
# -am: voice-model's sibling modules are built from this checkout, and their classes come first on the class path,
# ahead of whatever older copies of them the local Maven repository holds
mvn -q -o -pl voice-model -am test-compile >/dev/null
mvn -q -o -pl voice-model dependency:build-classpath -Dmdep.outputFile="$PWD/voice-model/target/cp.txt" \
  -Dmdep.includeScope=test >/dev/null
export OMP_NUM_THREADS=1
BENCH_CP="voice-model/target/classes:voice-model/target/test-classes:audio-dsp/target/classes:text-frontend/target/classes:$(cat voice-model/target/cp.txt)"

# bench_java [-D... JVM options] MAIN_CLASS [arguments]
bench_java() {
  local jvm=()
  while [ $# -gt 0 ] && [[ $1 == -D* ]]; do jvm+=("$1"); shift; done
  "$JAVA_HOME/bin/java" -Xmx3g -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1 "${jvm[@]}" \
    -Dlogback.configurationFile=voice-model/src/test/resources/logback-test.xml -cp "$BENCH_CP" "$@"
}
