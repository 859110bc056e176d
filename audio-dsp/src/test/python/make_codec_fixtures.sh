#!/usr/bin/env bash
# Makes the small codec fixtures for AudioDecoderTest from one real-speech prompt (CC-BY-SA-3.0,
# Allison Smith / Asterisk). Needs ffmpeg with flac, libmp3lame and libvorbis.
# Run from the repository root: bash audio-dsp/src/test/python/make_codec_fixtures.sh
set -euo pipefail
OUT=audio-dsp/src/test/resources/fixtures
SRC=/usr/share/asterisk/sounds/en_US_f_Allison/auth-thankyou.g722
ffmpeg -v error -y -f g722 -i "$SRC" -ar 16000 -ac 1 -c:a pcm_s16le "$OUT/codec-ref16k.wav"
ffmpeg -v error -y -i "$OUT/codec-ref16k.wav" -ac 2 -c:a flac "$OUT/codec-stereo.flac"
ffmpeg -v error -y -i "$OUT/codec-ref16k.wav" -ar 44100 -ac 2 -c:a libmp3lame -b:a 96k "$OUT/codec-stereo44k.mp3"
ffmpeg -v error -y -i "$OUT/codec-ref16k.wav" -ar 22050 -c:a libvorbis -q:a 4 "$OUT/codec-mono22k.ogg"
ffmpeg -v error -y -i "$OUT/codec-ref16k.wav" -c:a libopus "$OUT/codec-mono.opus" || true
ls -la "$OUT"/codec-*
