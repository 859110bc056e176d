#!/usr/bin/env bash
# The vocoder under the model's own output, on the evaluation protocol's VALIDATION split: one few-shot voice per
# held-out speaker (real, flite_rms, Carlo), its validation prompts' log-mels computed once, then vocoded by each
# variant (Griffin-Lim, or the harmonic vocoder hnm:REFINE:LEAD:NOISE[:MAXVOICEDHZ] on the pitch model's F0), scored
# like the clone report. Usage: voice-model/scripts/vocoder_synthesis_sweep.sh OUT [VARIANTS]
#   run voice_report.sh once first (it makes the splits); the few-shot voices are cached in data/vocoder-sweep.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=$1
VARIANTS=${2:-griffin-lim,hnm:-1:1:0,hnm:0:1:0,hnm:3:1:0,hnm:-1:1:0.2,hnm:-1:0:0,hnm:-1:1:0:3000}
# shellcheck source=voice-model/scripts/bench-env.sh
. voice-model/scripts/bench-env.sh
for spk in real:data/real-speaker flite_rms:data/protocol/flite_rms asterisk_it_it:data/protocol/asterisk_it_it; do
  name=${spk%%:*}; dir=${spk#*:}
  [ -f "data/vocoder-sweep/fewshot/$name/voice.delta" ] || bench_java dev.voxpipe.model.bench.CloneEvaluation \
    --fewshot "$dir/fewshot" --heldout "$dir/validation" --out "data/vocoder-sweep/fewshot/$name" --limit 1000 --conditions fewshot
  rm -rf "data/vocoder-sweep/synth/$name"
  bench_java dev.voxpipe.model.bench.SynthesisVocoderSweep --run "data/vocoder-sweep/fewshot/$name" \
    --out "data/vocoder-sweep/synth/$name" --variants "$VARIANTS"
done
speech-tools/bin/speech-tools clone-report --run data/vocoder-sweep/synth --speakers real:en,flite_rms:en,asterisk_it_it:it \
  --out "$OUT" --title "The vocoder under few-shot synthesis, validation split ($VARIANTS)" >/dev/null
