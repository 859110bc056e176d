#!/usr/bin/env bash
# Makes the loudness fixtures for LoudnessFfmpegAgreementTest: small test files plus the integrated
# loudness ffmpeg's ebur128 filter measures on them. Needs ffmpeg and asterisk-core-sounds-en-g722.
# Run from the repository root: bash audio-dsp/src/test/python/make_loudness_fixtures.sh
set -euo pipefail
OUT=audio-dsp/src/test/resources/fixtures
SND=/usr/share/asterisk/sounds/en_US_f_Allison
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# Real speech (CC-BY-SA-3.0, Allison Smith / Asterisk): three prompts joined, 16 kHz and 44.1 kHz
for p in agent-loggedoff auth-thankyou conf-onlyperson; do
  ffmpeg -v error -y -f g722 -i "$SND/$p.g722" -ar 16000 -ac 1 "$TMP/$p.wav"
  echo "file '$TMP/$p.wav'" >> "$TMP/list.txt"
done
ffmpeg -v error -y -f concat -safe 0 -i "$TMP/list.txt" -c:a pcm_s16le "$OUT/loud-speech16k.wav"
ffmpeg -v error -y -i "$OUT/loud-speech16k.wav" -af volume=-9dB -ar 44100 -t 3 -c:a pcm_s16le "$OUT/loud-speech44k.wav"
# Pink noise with a quiet middle (exercises both gates), 48 kHz, 3 s
ffmpeg -v error -y -f lavfi -i "anoisesrc=color=pink:amplitude=0.3:seed=7:duration=3:sample_rate=48000" \
  -af "volume='if(between(t,1.2,2.0),0.01,1)':eval=frame" -ac 1 -c:a pcm_s16le "$OUT/loud-pink48k.wav"
# 1 kHz tone at -18 dBFS peak for 3 s then 2 s 27 dB lower (below the relative gate), 32 kHz
ffmpeg -v error -y -f lavfi -i "sine=frequency=1000:sample_rate=32000:duration=5" \
  -af "volume='if(lt(t,3),1,0.045)':eval=frame" -ac 1 -c:a pcm_s16le "$OUT/loud-tone32k.wav"
: > "$OUT/loudness-fixtures.csv"
echo "# file,ffmpeg_ebur128_integrated_lufs (ffmpeg $(ffmpeg -version | head -1 | cut -d' ' -f3))" >> "$OUT/loudness-fixtures.csv"
for f in loud-speech16k loud-speech44k loud-pink48k loud-tone32k; do
  I=$(ffmpeg -nostats -hide_banner -i "$OUT/$f.wav" -af ebur128 -f null - 2>&1 | awk '/Integrated loudness:/{getline; print $2}')
  echo "$f.wav,$I" >> "$OUT/loudness-fixtures.csv"
done
cat "$OUT/loudness-fixtures.csv"
