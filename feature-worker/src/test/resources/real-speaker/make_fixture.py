#!/usr/bin/python3
"""Builds the 60 s real-speaker upload used by the feature-worker tests and benchmarks.

Whole Asterisk prompts by one speaker (Allison Smith, CC-BY-SA-3.0; Debian package
asterisk-core-sounds-en-g722), in transcript-file order, skipping tones, silences and fragments,
each followed by 0.7 s of silence, until 59..61 s are reached. Writes upload-60s.wav (16 kHz mono
16-bit) and upload-60s.txt (the prompts' transcripts joined, one sentence end per prompt) and
upload-60s.prompts.txt (prompt names). Run from the repository root:
    /usr/bin/python3 feature-worker/src/test/resources/real-speaker/make_fixture.py
"""
import os, subprocess, tempfile, wave
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SND = "/usr/share/asterisk/sounds/en_US_f_Allison"
# the repository's own copy of the transcripts (speech-tools' bundled resource)
TRANSCRIPTS = os.path.join(HERE, "../../../../../speech-tools/src/main/resources/dev/voxpipe/corpus/asterisk-core-sounds-en.txt")
SR, GAP, TARGET = 16000, 0.7, 60.0


def decode(name):
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "x.wav")
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "g722", "-i", f"{SND}/{name}.g722",
                        "-ar", str(SR), "-ac", "1", "-c:a", "pcm_s16le", out], check=True)
        with wave.open(out) as w:
            return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")


def main():
    parts, texts, names, total = [], [], [], 0.0
    for line in open(TRANSCRIPTS, encoding="utf-8"):
        if ":" not in line:
            continue
        name, text = (s.strip() for s in line.split(":", 1))
        if not text or "[" in text or "..." in text or name.startswith("silence") or "/" in name:
            continue
        if not os.path.exists(f"{SND}/{name}.g722"):
            continue
        pcm = decode(name)
        if len(pcm) < 1.5 * SR:  # whole sentences, not single words
            continue
        if total + len(pcm) / SR + GAP > TARGET + 1.0:  # would overshoot: look for a shorter one
            continue
        parts += [pcm, np.zeros(int(GAP * SR), dtype="<i2")]
        texts.append(text if text[-1] in ".!?" else text + ".")
        names.append(name)
        total += len(pcm) / SR + GAP
        if total >= TARGET - 1.0:
            break
    audio = np.concatenate(parts)
    with wave.open(os.path.join(HERE, "upload-60s.wav"), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SR)
        w.writeframes(audio.tobytes())
    with open(os.path.join(HERE, "upload-60s.txt"), "w", encoding="utf-8") as f:
        f.write(" ".join(" ".join(t.split()) for t in texts) + "\n")
    with open(os.path.join(HERE, "upload-60s.prompts.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(names) + "\n")
    print(f"{len(names)} prompts, {len(audio) / SR:.1f} s")


if __name__ == "__main__":
    main()
