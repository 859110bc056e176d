#!/usr/bin/env bash
# Rebuilds the shipped v2.2 base model (phoneme input, prosody predictor, 8 decoder layers) from a clean machine, in one
# command.
# Inputs are all made here, deterministically, from committed sentence lists and Debian packages:
#   data/corpus       seven synthetic English voices, 20 min each (speech-tools corpus; sentences from its generator)
#   data/real-corpus  real readers in French (fr-CA) and Russian (ru-RU) from the Asterisk prompt sets, and the
#                     synthetic Mandarin speaker espeak_cmn (committed mandarin-sentences.txt)
# Held out: flite_rms and asterisk_it_it (the clone report's held-out speakers); the shared English speaker (Allison)
# is never in pretraining.
# Resumable: rerun the same command after a kill -9 (checkpoints every 200 steps under RUN).
# Usage: voice-model/scripts/train_base_v2.sh [RUN] [STEPS]
#   then the checkpoint is exported to voice-model/src/main/resources/dev/voxpipe/model/base (EXPORT=0 to skip).
#   DECODER_LAYERS=4 rebuilds the earlier voxpipe-base-v2 (export it with another id).
set -euo pipefail
cd "$(dirname "$0")/../.."
RUN=${1:-runs/base-v2}
STEPS=${2:-8000}
ST=speech-tools/bin/speech-tools
ENGLISH=flite_slt,flite_awb,flite_kal16,festival_ked_diphone,espeak_male,espeak_female,marytts_slt_hsmm
[ -f data/corpus/marytts_slt_hsmm/speaker.json ] || $ST corpus --out data/corpus --minutes 20 --threads 2 --speakers "$ENGLISH"
for s in asterisk_fr_ca asterisk_ru_ru espeak_cmn; do
  [ -f "data/real-corpus/$s/speaker.json" ] || $ST real-corpus --out data/real-corpus --speakers asterisk_fr_ca,asterisk_ru_ru,espeak_cmn
done
# --minutes is only a safety net: the step count decides where the run ends
NICE=${NICE:-0} voice-model/scripts/pretrain.sh --corpus data/corpus,data/real-corpus --run "$RUN" \
  --hold-out flite_rms,asterisk_it_it --input phonemes --prosody true --steps "$STEPS" --minutes 100000 \
  --max-frames 2000 --checkpoint-every 200 --seed 1 --decoder-layers "${DECODER_LAYERS:-8}"
if [ "${EXPORT:-1}" = 1 ]; then
  # shellcheck source=voice-model/scripts/bench-env.sh
  . voice-model/scripts/bench-env.sh
  bench_java dev.voxpipe.model.train.ExportBase --run "$RUN" --out voice-model/src/main/resources/dev/voxpipe/model/base \
    --id voxpipe-base-v2.2
  mkdir -p voice-model/models/voxpipe-base-v2.2
  cp "$RUN/loss.csv" voice-model/models/voxpipe-base-v2.2/loss.csv
fi
