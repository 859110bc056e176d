#!/usr/bin/env bash
# The voice as a user gets it: a fresh `./voxpipe serve`, the speaker's few-shot recordings uploaded with
# `./voxpipe clone` (the public API: consent, upload, features, fine-tune), every prompt of the split spoken with
# `./voxpipe say`, and the audio scored against the speaker's own recordings by the clone report (MCD, F0, voicing,
# open-vocabulary WER with its 95 % interval). Nothing in-process: what is measured is what came out of the API.
#
# Usage: scripts/api_eval.sh OUT [SPEAKER...]      SPEAKER: real (default) | flite_rms
#   SPLIT=test (default) or validation; PARALLEL=2 say requests at a time;
#   UPLOAD=clips (default: one file per prompt, each with its transcript) or one-file (the few-shot clips joined into
#   one recording with 0.5 s pauses and one transcript, as a user with one long take would upload it: the feature
#   worker slices it and force-aligns the text); FORMAT=wav (default) or mp3 (one-file only, 128 kbit/s by ffmpeg);
#   TRANSCRIPT=given (default) or none (no text at all: the feature worker recognises the speech; an English voice
#   with under 30 s of confidently recognised text fine-tunes on all of the recognised text).
# The splits come from voice-model/scripts/voice_report.sh (run it once first). Writes OUT/report.md and .json, OUT/run/
# (the renderings, beside links to the recordings) and OUT/serve.log; the server's data directory is temporary.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:?usage: scripts/api_eval.sh OUT [real|flite_rms ...]}
shift
SPEAKERS=("${@:-real}")
SPLIT=${SPLIT:-test}
PARALLEL=${PARALLEL:-2}
split_dir() {
  case "$1" in
    real) echo data/real-speaker ;;
    flite_rms) echo data/protocol/flite_rms ;;
    *) echo "unknown speaker $1 (real, flite_rms)" >&2; exit 2 ;;
  esac
}
for spk in "${SPEAKERS[@]}"; do
  d=$(split_dir "$spk")
  [ -f "$d/fewshot/metadata.tsv" ] && [ -f "$d/$SPLIT/metadata.tsv" ] || {
    echo "no $d/{fewshot,$SPLIT}: run voice-model/scripts/voice_report.sh once first (it makes the splits)" >&2; exit 2; }
done
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
SERVE_DIR=$(mktemp -d /tmp/voxpipe-api-eval.XXXXXX)
SERVE_PID=
stop_server() {
  if [ -n "$SERVE_PID" ] && kill -0 "$SERVE_PID" 2>/dev/null; then
    kill "$SERVE_PID"; wait "$SERVE_PID" 2>/dev/null || true
  fi
  rm -rf "$SERVE_DIR"
}
trap stop_server EXIT

VOXPIPE_LOG_FILE="$OUT/serve.log" ./voxpipe serve --data "$SERVE_DIR" --port 0 >"$OUT/serve.out" 2>&1 &
SERVE_PID=$!
for _ in $(seq 300); do
  grep -q "Ctrl-C stops it" "$OUT/serve.out" 2>/dev/null && break
  kill -0 "$SERVE_PID" 2>/dev/null || { echo "voxpipe serve exited:" >&2; cat "$OUT/serve.out" >&2; exit 1; }
  sleep 1
done
grep -q "Ctrl-C stops it" "$OUT/serve.out" || { echo "voxpipe serve did not come up in 300 s" >&2; exit 1; }
VOXPIPE_URL=$(sed -n 's|^  API: *\(http://[^ ]*\)/v1.*|\1|p' "$OUT/serve.out" | head -1)
VOXPIPE_API_KEY=$(sed -n 's|^.*export VOXPIPE_API_KEY=\([^ ]*\).*|\1|p' "$OUT/serve.out" | head -1)
export VOXPIPE_URL VOXPIPE_API_KEY
echo "api_eval: server at $VOXPIPE_URL" >&2

CONSENT="Evaluation of a recorded corpus speaker, licensed for this use."
specs=()
for spk in "${SPEAKERS[@]}"; do
  d=$(split_dir "$spk")
  started=$(date +%s)
  if [ "${UPLOAD:-clips}" = one-file ]; then
    take="$OUT/upload/$spk"
    rm -rf "$take"; mkdir -p "$take"
    sox -n -r 32000 -c 1 -b 16 "$take/pause.wav" trim 0 0.5
    parts=(); text=""
    while IFS=$'\t' read -r id line; do
      [ -n "$id" ] || continue
      sox -D "$d/fewshot/$id.wav" -r 32000 -c 1 -b 16 "$take/part-$id.wav"  # -D: no dither, the same take every run
      parts+=("$take/part-$id.wav" "$take/pause.wav"); text="$text $line"
    done <"$d/fewshot/metadata.tsv"
    sox -D "${parts[@]}" "$take/recording.wav"
    rm -f "$take"/part-*.wav "$take/pause.wav"
    file="$take/recording.wav"
    if [ "${FORMAT:-wav}" = mp3 ]; then
      ffmpeg -loglevel error -y -i "$take/recording.wav" -b:a 128k "$take/recording.mp3" && rm "$take/recording.wav"
      file="$take/recording.mp3"
    fi
    if [ "${TRANSCRIPT:-given}" = none ]; then
      echo "api_eval: $spk: one $(soxi -D "$file" | cut -d. -f1) s recording, no transcript" >&2
    else
      echo "${text# }" >"${file%.*}.txt"
      echo "api_eval: $spk: one $(soxi -D "$file" | cut -d. -f1) s recording, $(wc -w <"${file%.*}.txt") words of transcript" >&2
    fi
    voice=$(./voxpipe clone --name "api-eval $spk" --consent "$CONSENT" "$file")
  elif [ "${TRANSCRIPT:-given}" = none ]; then
    take="$OUT/upload/$spk"
    rm -rf "$take"; mkdir -p "$take"
    cp "$d"/fewshot/*.wav "$take/"
    voice=$(./voxpipe clone --name "api-eval $spk" --consent "$CONSENT" "$take"/*.wav)
  else
    voice=$(./voxpipe clone --name "api-eval $spk" --consent "$CONSENT" --transcripts "$d/fewshot/metadata.tsv" "$d"/fewshot/*.wav)
  fi
  echo "api_eval: $spk cloned as $voice in $(( $(date +%s) - started )) s" >&2
  run="$OUT/run/$spk"
  rm -rf "$run"; mkdir -p "$run/api"
  ln -sfn "$(cd "$d/$SPLIT" && pwd)" "$run/ref"
  started=$(date +%s)
  # one `say` per prompt (its own JVM), PARALLEL at a time; each waits for its synthesis and writes the WAV
  export EVAL_VOICE=$voice EVAL_DIR=$run/api
  while IFS=$'\t' read -r id text; do
    [ -n "$id" ] && printf '%s\0%s\0' "$id" "$text"
  done <"$d/$SPLIT/metadata.tsv" | xargs -0 -n 2 -P "$PARALLEL" sh -c \
    './voxpipe say --voice "$EVAL_VOICE" --text "$2" -o "$EVAL_DIR/$1.wav" >/dev/null 2>>"$EVAL_DIR/../say-$1.log" || echo "say failed for $1" >&2' _
  echo "api_eval: $spk: $(ls "$run/api"/*.wav 2>/dev/null | wc -l) of $(grep -c . "$d/$SPLIT/metadata.tsv") prompts spoken in $(( $(date +%s) - started )) s" >&2
  specs+=("$spk:en")
done
stop_server
trap - EXIT
IFS=,; speakers="${specs[*]}"; unset IFS
speech-tools/bin/speech-tools clone-report --run "$OUT/run" --speakers "$speakers" --out "$OUT/report" \
  --title "Through the public API ($SPLIT split, upload ${UPLOAD:-clips} ${FORMAT:-wav}, transcript ${TRANSCRIPT:-given}): ./voxpipe serve, clone, say" >/dev/null
grep -E "^## |^\| (recordings|api) " "$OUT/report.md"
