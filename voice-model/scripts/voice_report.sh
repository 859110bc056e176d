#!/usr/bin/env bash
# One command for the clone report: every held-out speaker, every condition and baseline, scored on the evaluation
# protocol's test split (or --split validation for tuning), as Markdown and JSON.
# Usage: voice-model/scripts/voice_report.sh OUT [--split test|validation] [--steps N] [--base DIR|classpath]
#   (--steps defaults to FineTuneConfig.defaults())
#   OUT/report.md, OUT/report.json (+ per-condition JSON) and spectrograms (recordings / few-shot / nearest
#   pretraining speaker) of the split's first prompt; the renderings stay under data/clone-report/<split>/run
#   (or $REPORT_RUN).
# Speakers: the shared English speaker (real, female; few-shot = the bundled minute), flite_rms (synthetic male,
# never in pretraining) and asterisk_it_it (Carlo Flora, real, labelled male, Italian; never in pretraining; no WER:
# the recogniser is English); plus any corpus speaker given as EXTRA_SPEAKERS="dir:lang ..." (speaker dirs).
# Data it makes when missing (deterministic, cached under data/): data/real-speaker (speech-tools real-speaker),
# data/corpus-eval (7 min of the pretraining voices and flite_rms, speech-tools corpus), data/protocol/<speaker>.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=$1; shift
SPLIT="test"; STEPS=""; BASE="classpath"
while [ $# -gt 0 ]; do
  case "$1" in
    --split) SPLIT=$2; shift 2 ;;
    --steps) STEPS=$2; shift 2 ;;
    --base) BASE=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
# shellcheck source=voice-model/scripts/bench-env.sh
. voice-model/scripts/bench-env.sh
ST=speech-tools/bin/speech-tools
RUN=${REPORT_RUN:-data/clone-report/$SPLIT/run}   # REPORT_RUN: a separate run directory, so two reports can run at once
mkdir -p "$OUT"
PRETRAINING="flite_kal16 flite_awb flite_slt espeak_female festival_ked_diphone"   # the base's pretraining voices
[ -f data/real-speaker/test/metadata.tsv ] || $ST real-speaker --out data/real-speaker
[ -f data/corpus-eval/flite_rms/speaker.json ] || $ST corpus --out data/corpus-eval --minutes 7 --threads 1 \
  --speakers "$(echo "$PRETRAINING" flite_rms | tr ' ' ,)"
[ -f data/protocol/flite_rms/test/metadata.tsv ] || $ST protocol --speaker data/corpus-eval/flite_rms --out data/protocol/flite_rms
[ -f data/real-corpus/asterisk_it_it/speaker.json ] || $ST real-corpus --out data/real-corpus --speakers asterisk_it_it

pre=$(for s in $PRETRAINING; do printf '%s,' "data/corpus-eval/$s"; done); pre=${pre%,}
# the v2 base's other pretraining speakers, so that "nearest" is the nearest of all of them (the strongest baseline)
for extra in data/corpus/espeak_male data/corpus/marytts_slt_hsmm data/real-corpus/asterisk_fr_ca data/real-corpus/asterisk_ru_ru; do
  [ -f "$extra/metadata.tsv" ] && pre="$pre,$extra"
done
evaluate() { # name fewshot-dir heldout-dir
  # shellcheck disable=SC2086 # REPORT_JVM_OPTS: -D settings for validation sweeps (e.g. -Dvoxpipe.pitchModel=DIR)
  bench_java ${REPORT_JVM_OPTS:-} dev.voxpipe.model.bench.CloneEvaluation --base "$BASE" --fewshot "$2" --heldout "$3" --out "$RUN/$1" \
    ${STEPS:+--steps "$STEPS"} --limit 1000 --pretraining "$pre" --flite-slt true
}
speakers="real:en,flite_rms:en"
evaluate real data/real-speaker/fewshot "data/real-speaker/$SPLIT"
evaluate flite_rms data/protocol/flite_rms/fewshot "data/protocol/flite_rms/$SPLIT"
for extra in data/real-corpus/asterisk_it_it:it ${EXTRA_SPEAKERS:-}; do
  dir=${extra%%:*}; lang=${extra##*:}; name=$(basename "$dir")
  [ -f "data/protocol/$name/test/metadata.tsv" ] || $ST protocol --speaker "$dir" --out "data/protocol/$name"
  evaluate "$name" "data/protocol/$name/fewshot" "data/protocol/$name/$SPLIT"
  speakers="$speakers,$name:$lang"
done
$ST clone-report --run "$RUN" --speakers "$speakers" --out "$OUT/report" \
  --title "Clone report: base $BASE, $SPLIT split, ${STEPS:-default} few-shot steps ($(date -u +%F))"
# look at the picture next to the figures: a number that improves while the picture does not is a measurement bug
for spk in ${speakers//,/ }; do
  spk=${spk%%:*}; id=$(head -1 "$RUN/$spk/ref/metadata.tsv" | cut -f1)
  for c in ref hnm vocoded fewshot nearest; do
    [ -f "$RUN/$spk/$c/$id.wav" ] && sox "$RUN/$spk/$c/$id.wav" -n rate 16k spectrogram -x 500 -y 200 -z 80 \
      -t "$spk $c: $id" -o "$OUT/spectrogram-$spk-$c.png"
  done
  # one picture: reference / copy synthesis (harmonic vocoder) / Griffin-Lim copy synthesis / few-shot synthesis
  if command -v ffmpeg >/dev/null; then
    ffmpeg -loglevel error -y -i "$OUT/spectrogram-$spk-ref.png" -i "$OUT/spectrogram-$spk-hnm.png" \
      -i "$OUT/spectrogram-$spk-vocoded.png" -i "$OUT/spectrogram-$spk-fewshot.png" -filter_complex vstack=inputs=4 \
      "$OUT/spectrograms-$spk.png" && rm "$OUT/spectrogram-$spk-hnm.png" "$OUT/spectrogram-$spk-vocoded.png"
  fi
done
