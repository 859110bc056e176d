#!/usr/bin/env bash
# Labelling benchmarks (issue 20): forced alignment of a long upload's transcript and English speech recognition of
# the same upload without one, on one core. From the repository root:
#   bash bench/label/run.sh [SECONDS]      # default 480: an 8-minute recording of the real speaker's held-out prompts
# Needs ffmpeg, Debian's asterisk-core-sounds-en-g722 and pocketsphinx (+ pocketsphinx-en-us).
# CPU is user+sys of the whole process tree (the JVM and its pocketsphinx child) from /usr/bin/time;
# "x real time per core" = seconds of recording / CPU seconds. Results go to bench/label/last-run.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA="$JAVA_HOME/bin/java"
SECONDS_WANTED=${1:-480}
WORK=feature-worker/target/bench-label
mkdir -p "$WORK"
mvn -q -o -pl feature-worker -am test-compile
mvn -q -o -pl feature-worker dependency:build-classpath -Dmdep.outputFile=target/bench-label/classpath.txt -Dmdep.includeScope=test >/dev/null
# the reactor's own modules from their target/classes (never a stale installed jar)
CP="feature-worker/target/test-classes:feature-worker/target/classes"
for m in schemas pipeline-core audio-dsp text-frontend speech-tools; do CP="$CP:$m/target/classes"; done
CP="$CP:$(tr ':' '\n' < $WORK/classpath.txt | grep -v '/dev/voxpipe/' | paste -sd:)"
PIN="taskset -c 0"
command -v taskset >/dev/null || PIN=""
OUT=bench/label/last-run.txt
{
  echo "# bench/label/run.sh $SECONDS_WANTED on $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
  "$JAVA" -cp "$CP" dev.voxpipe.feature.bench.LabelBench prepare "$WORK" "$SECONDS_WANTED" 2>/dev/null | grep -v DEBUG
  for mode in slice align asr; do
    /usr/bin/time -f "CPU $mode %U %S %e" -o "$WORK/time-$mode.txt" \
      $PIN "$JAVA" -XX:ActiveProcessorCount=1 -Xmx1g -cp "$CP" dev.voxpipe.feature.bench.LabelBench run "$WORK" "$mode" 2>/dev/null \
      | grep -E "^(RESULT|held back)"
    cat "$WORK/time-$mode.txt"
  done
  AUDIO=$(grep -m1 "^RESULT mode=slice" "$OUT.tmp" 2>/dev/null | sed 's/.*audio=\([0-9.]*\)s.*/\1/' || true)
} | tee "$OUT.tmp"
AUDIO=$(grep -m1 "^RESULT mode=slice" "$OUT.tmp" | sed 's/.*audio=\([0-9.]*\)s.*/\1/')
cpu() { awk -v m="$1" '$1 == "CPU" && $2 == m {print $3 + $4}' "$OUT.tmp"; }
{
  cat "$OUT.tmp"
  awk -v a="$AUDIO" -v s="$(cpu slice)" -v al="$(cpu align)" -v r="$(cpu asr)" 'BEGIN {
    printf "SUMMARY upload chain without labels: %.1f s CPU = %.0fx real time per core\n", s, a / s
    printf "SUMMARY with forced alignment:       %.1f s CPU = %.1fx real time per core (alignment alone %.1f s = %.1fx)\n", al, a / al, al - s, a / (al - s)
    printf "SUMMARY with speech recognition:     %.1f s CPU = %.1fx real time per core (recognition alone %.1f s = %.1fx)\n", r, a / r, r - s, a / (r - s)
  }'
} > "$OUT"
rm -f "$OUT.tmp"
grep SUMMARY "$OUT"
