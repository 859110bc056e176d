# shellcheck shell=bash
# Sourced by train_pitch.sh and train_aperiodicity.sh (from the repository root): makes the data the small models
# beside the acoustic model train on, where it is missing, and sets REAL_SPEAKERS to the real readers' folders (the
# French and Russian readers, the shared English speaker's pretraining and few-shot clips; never her validation or
# test clips). Synthetic voices are in data/corpus-eval/<voice>.
if [ ! -d data/real-corpus/asterisk_fr_ca ] || [ ! -d data/real-corpus/asterisk_ru_ru ]; then
  speech-tools/bin/speech-tools real-corpus --out data/real-corpus --speakers asterisk_fr_ca,asterisk_ru_ru
fi
[ -d data/real-speaker/pretrain ] || speech-tools/bin/speech-tools real-speaker --out data/real-speaker
[ -f data/corpus-eval/flite_kal16/speaker.json ] || speech-tools/bin/speech-tools corpus --out data/corpus-eval --minutes 7 --threads 1 \
  --speakers flite_kal16,flite_awb,flite_slt,espeak_female,festival_ked_diphone,flite_rms
# shellcheck disable=SC2034
REAL_SPEAKERS=data/real-corpus/asterisk_fr_ca,data/real-corpus/asterisk_ru_ru,data/real-speaker/pretrain,data/real-speaker/fewshot
