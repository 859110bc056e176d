#!/usr/bin/env bash
# Tunes on the evaluation protocol's VALIDATION split only: few-shot clones of the held-out speakers under
# several JVM settings, each scored like the clone report (few-shot condition only).
# Usage: voice-model/scripts/validation_sweep.sh OUT 'name=OPTIONS' ['name=OPTIONS' ...]
#   OPTIONS: -D... JVM settings and CloneEvaluation arguments (--steps N, --lr X), e.g.
#   voice-model/scripts/validation_sweep.sh /tmp/sweep 'default=' 'adapt-text-300=-Dvoxpipe.adaptText=true --steps 300'
#   OUT/<name>.md and .json per setting, OUT/<name>-prosodyfit.txt (bench.ProsodyFit per speaker); data as voice_report.sh makes it (run that once first).
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=$1; shift
if [ ! -f data/real-speaker/validation/metadata.tsv ] || [ ! -f data/protocol/flite_rms/validation/metadata.tsv ]; then
  echo "run voice-model/scripts/voice_report.sh once first (it makes the splits)" >&2; exit 2
fi
# shellcheck source=voice-model/scripts/bench-env.sh
. voice-model/scripts/bench-env.sh
mkdir -p "$OUT"
for setting in "$@"; do
  name=${setting%%=*}; opts=${setting#*=}
  jvm=(); args=()
  for word in $opts; do
    if [[ $word == -D* ]]; then jvm+=("$word"); else args+=("$word"); fi
  done
  run="data/validation-sweep/$name"
  base=()
  for ((i = 0; i + 1 < ${#args[@]}; i++)); do
    if [[ ${args[i]} == --base ]]; then base=(--base "${args[i + 1]}"); fi
  done
  : > "$OUT/$name-prosodyfit.txt"
  for spk in real:data/real-speaker flite_rms:data/protocol/flite_rms; do
    bench_java "${jvm[@]}" dev.voxpipe.model.bench.CloneEvaluation --fewshot "${spk#*:}/fewshot" --heldout "${spk#*:}/validation" \
      --out "$run/${spk%%:*}" --limit 1000 --conditions fewshot "${args[@]}" | grep -E "^few-shot:"
    # the voice's contour under each recording's own timing (seconds; voice-model README, "ProsodyFit")
    bench_java "${jvm[@]}" dev.voxpipe.model.bench.ProsodyFit "${base[@]}" --voice "$run/${spk%%:*}/voice.delta" \
      --set "${spk#*:}/validation" | grep -E "utterances;" | tee -a "$OUT/$name-prosodyfit.txt"
  done
  speech-tools/bin/speech-tools clone-report --run "$run" --speakers real:en,flite_rms:en --out "$OUT/$name" \
    --title "validation: $name ($opts)" | grep -E "^(real|flite_rms) " || true
done
