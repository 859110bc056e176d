#!/usr/bin/env bash
# Feature-worker benchmarks (issue 3). From the repository root, after `mvn install -DskipTests`:
#   bash bench/feature/run.sh            # single-core DSP throughput vs torchaudio / sox / ffmpeg
#   bash bench/feature/run.sh scaling    # 1 vs 2 worker instances on the local broker
# Everything in the single-core run is pinned to CPU 0 (taskset) and the JVM sees one processor.
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA="$JAVA_HOME/bin/java"
WORK=feature-worker/target/bench
mkdir -p "$WORK"
mvn -q -o -pl feature-worker test-compile
mvn -q -o -pl feature-worker dependency:build-classpath -Dmdep.outputFile=target/bench/classpath.txt -Dmdep.includeScope=test >/dev/null
CP="feature-worker/target/test-classes:feature-worker/target/classes:$(cat $WORK/classpath.txt)"
PIN="taskset -c 0"
command -v taskset >/dev/null || PIN=""

if [[ "${1:-single}" == "scaling" ]]; then
  exec "$JAVA" -Xmx1g -cp "$CP" dev.voxpipe.feature.bench.ScalingBench "$WORK" "$CP"
fi

RESULTS=$WORK/results.txt
: > "$RESULTS"
$PIN "$JAVA" -XX:ActiveProcessorCount=1 -XX:+UseSerialGC -Xmx1g -cp "$CP" dev.voxpipe.feature.bench.FeatureBench "$WORK" | tee -a "$RESULTS"

measure() { # name cmd...: runs until they took >= 2 s of user+sys CPU in all (at least 5, at most 500);
  # a RESULT line on the median run, with the min and median CPU per run
  local name=$1; shift
  local runs=() total=0 n=0
  while :; do
    local t0 t1 c; t0=$(date +%s.%N)
    c=$( { TIMEFORMAT='%U %S'; time "$@" >/dev/null 2>&1; } 2>&1 | awk '{print $1 + $2}')
    t1=$(date +%s.%N)
    runs+=("$c $(echo "$t1 - $t0" | bc -l)")
    total=$(awk -v t="$total" -v c="$c" 'BEGIN {print t + c}')
    n=$((n + 1))
    if awk -v t="$total" -v n="$n" 'BEGIN {exit !((t >= 2 && n >= 5) || n >= 500)}'; then break; fi
  done
  printf '%s\n' "${runs[@]}" | sort -g | awk -v n="$name" -v s="$SECS" -v total="$total" '
    {cpu[NR] = $1; wall[NR] = $2}
    END {
      m = int((NR + 1) / 2); c = cpu[m]; if (c < 0.001) c = 0.001
      # wall clock of the runs, sorted on its own for its median
      for (i = 1; i <= NR; i++) w[i] = wall[i]
      for (i = 2; i <= NR; i++) for (j = i; j > 1 && w[j-1] > w[j]; j--) {t = w[j]; w[j] = w[j-1]; w[j-1] = t}
      printf "RESULT %-28s cpu %8.1f x real time  wall %8.1f x real time  (CPU per %.0f s: min %.3f ms, median %.3f ms; %d runs, %.2f s CPU)\n", n, s/c, s/w[m], s, cpu[1]*1000, c*1000, NR, total
    }'
}
SECS=$(awk '/^INFO audio/ {print $3}' "$RESULTS")
if [[ -x /usr/bin/python3 ]] && /usr/bin/python3 -c "import torchaudio" 2>/dev/null; then
  $PIN /usr/bin/python3 bench/feature/reference.py "$WORK" | tee -a "$RESULTS"
else
  echo "SKIP torchaudio (python3-torchaudio not installed)"
fi
if command -v sox >/dev/null; then
  measure sox-rate-44k-32k $PIN sox "$WORK/upload-60s-44k.wav" -r 32000 "$WORK/sox-32k.wav" | tee -a "$RESULTS"
else echo "SKIP sox (not installed)"; fi
if command -v ffmpeg >/dev/null; then
  measure ffmpeg-ebur128-44k $PIN ffmpeg -nostats -hide_banner -i "$WORK/upload-60s-44k.wav" -af ebur128 -f null - | tee -a "$RESULTS"
else echo "SKIP ffmpeg (not installed)"; fi

# field 4 = x real time per CPU-second (robust on a shared machine), field 9 = by wall clock
x() { awk -v n="$1" -v f="${2:-4}" '$1=="RESULT" && $2==n {print $f}' "$RESULTS"; }
ratio() { # name ours ref target
  local ours ref oursw refw; ours=$(x "$2"); ref=$(x "$3"); oursw=$(x "$2" 9); refw=$(x "$3" 9)
  if [[ -n "$ours" && -n "$ref" ]]; then
    awk -v o="$ours" -v r="$ref" -v ow="$oursw" -v rw="$refw" -v t="$4" -v n="$1" \
      'BEGIN {q=o/r; if (t == "-") printf "RATIO %-40s %6.2fx by CPU time, %6.2fx by wall clock  (no target)\n", n, q, ow/rw; else printf "RATIO %-40s %6.2fx by CPU time, %6.2fx by wall clock  (target >= %sx) %s\n", n, q, ow/rw, t, (q>=t)?"MET":"MISSED"}'
  fi
}
echo "---- ratios (same run, same file, one core; CPU-time ratios are the robust ones on a shared machine) ----"
ratio "mel vs torchaudio (1 thread)" mel-32k torchaudio-mel-32k 1
ratio "resample 44.1k->32k vs sox rate" resample-44k-32k sox-rate-44k-32k 1
ratio "resample 44.1k->32k vs torchaudio (info)" resample-44k-32k torchaudio-resample-44k-32k "-"
ratio "loudness vs ffmpeg ebur128" loudness-integrated-44k ffmpeg-ebur128-44k 5
awk '$1=="RESULT" && $2=="chain-44k-wav" {printf "RATIO %-40s %6.1fx real time per CPU-second, %6.1fx by wall clock (target >= 300x) %s\n", "whole chain, 44.1k WAV upload", $4, $9, ($4>=300)?"MET":"MISSED"}' "$RESULTS"
