#!/usr/bin/env bash
# How intelligible copy synthesis is on more of the shared speaker's prompts than one 40-prompt split, and how far the
# recogniser moves for renderings no listener can tell from the recording (its null spread).
#   Sets: her test and validation splits, and her pretraining-pool prompts (speech-tools copy-synthesis-prompts) that the
#   vocoder's trained part never saw ("unseen") or trained on ("seen"). Copy synthesis needs no acoustic model, so
#   "unseen" is as held out for the vocoder as the test split is.
#   Conditions beside her recordings: the harmonic vocoder (hnm) and Griffin-Lim (vocoded) on her log-mel and F0, and
#   three null renderings of the recording itself: 5 ms later (half a hop: the recogniser's frames fall elsewhere),
#   through G.722 again (her recordings are G.722), 2 dB quieter (with sox's default dither, seeded). Without -R
#   the dither alone moved the 40 test prompts' ratio from 1.00x to 1.04x between two runs.
# Usage: voice-model/scripts/vocoder_heldout_wer.sh OUT      (about 20 minutes on this 2-core machine)
#   OUT/report.md (per set and condition, clone-report's columns) and OUT/pooled.md (open-WER ratios pooled over sets,
#   with their 95 % intervals); renderings under data/vocoder-heldout/run.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=$1
# shellcheck source=voice-model/scripts/bench-env.sh
. voice-model/scripts/bench-env.sh
ST=speech-tools/bin/speech-tools
RUN=data/vocoder-heldout/run
mkdir -p "$OUT"
[ -f data/real-speaker/pretrain/metadata.tsv ] || $ST real-speaker --out data/real-speaker
$ST copy-synthesis-prompts --speaker data/real-speaker --out data/real-speaker/extra
SETS="test validation unseen seen"
for set in $SETS; do
  case $set in unseen|seen) dir=data/real-speaker/extra/$set ;; *) dir=data/real-speaker/$set ;; esac
  bench_java dev.voxpipe.model.bench.VocoderComparison --heldout "$dir" --out "$RUN/$set" --limit 1000
  for c in shift5ms g722 gain-2db; do mkdir -p "$RUN/$set/$c"; cp "$RUN/$set/ref/metadata.tsv" "$RUN/$set/$c/"; done
  for wav in "$RUN/$set"/ref/*.wav; do
    name=$(basename "$wav")
    sox "$wav" "$RUN/$set/shift5ms/$name" pad 0.005 0
    sox -R "$wav" "$RUN/$set/gain-2db/$name" gain -2   # -R: sox's dither (about -96 dBFS) repeatable
    ffmpeg -loglevel error -y -i "$wav" -ar 16000 -c:a g722 -f g722 "$RUN/$set/g722.tmp"
    ffmpeg -loglevel error -y -f g722 -i "$RUN/$set/g722.tmp" -ar 32000 -c:a pcm_s16le "$RUN/$set/g722/$name"
  done
  rm -f "$RUN/$set/g722.tmp"
done
$ST clone-report --run "$RUN" --speakers test:en,validation:en,unseen:en,seen:en --out "$OUT/report" \
  --title "Copy synthesis and the recogniser's null spread, the shared speaker ($(date -u +%F))" >/dev/null
pooled() { # condition sets...
  local c=$1; shift
  local files=(); for s in "$@"; do files+=("$OUT/report-$s-$c.json"); done
  $ST wer-interval --pooled "${files[@]}" | sed -n 's/^pooled, [0-9]* reports: //p'
}
{
  echo "# Open-WER ratio against her recordings, pooled over prompt sets (95 % paired-bootstrap interval)"
  echo
  echo "| condition | test (40) | test + unseen (held out from the vocoder) | all four sets |"
  echo "|---|---|---|---|"
  for c in hnm vocoded shift5ms g722 gain-2db; do
    echo "| $c | $(pooled $c test) | $(pooled $c test unseen) | $(pooled $c test validation unseen seen) |"
  done
} > "$OUT/pooled.md"
cat "$OUT/pooled.md"
