#!/usr/bin/env python3
"""More of the shared speaker's prompts for judging copy synthesis, which needs no model trained on them.

Copy synthesis (her log-mel and F0 -> vocoder) involves no acoustic model, so any of her recordings that the vocoder's
trained part (the aperiodicity model, train_aperiodicity.sh: the first 250 of her pretraining clips and her few-shot
clips) never saw is as held out for the vocoder as her test prompts are. This writes those prompts, under the
protocol's prompt rules (a complete sentence of at least 1.5 s and 3 words, each sentence once and none that is a
validation or test sentence) but up to 20 s rather than 8 (the cap is for what the acoustic model is asked to say;
copy synthesis has no such limit, and her longer prompts carry most of the words), as a set CloneEvaluation reads:
  OUT/unseen  her pretraining-pool prompts after the aperiodicity model's 250 (never seen by any trained part)
  OUT/seen    the pretraining-pool prompts it trained on (to show whether having seen a clip matters)
Usage: voice-model/scripts/vocoder_extra_prompts.py [SPEAKER_DIR=data/real-speaker] [OUT=data/real-speaker/extra]
"""
import os
import re
import sys

APERIODICITY_LIMIT = 250  # train_aperiodicity.sh's --limit: the first clips of each speaker folder, in metadata order
MAX_SECONDS = 20.0
TRANSCRIPTS = "speech-tools/src/main/resources/dev/voxpipe/corpus/asterisk-core-sounds-en.txt"


def words(text):
    return [w.strip("'") for w in re.sub(r"[^\w' ]", " ", text.lower()).split() if w.strip("'")]


def main():
    speaker = sys.argv[1] if len(sys.argv) > 1 else "data/real-speaker"
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(speaker, "extra")
    written = {}
    with open(TRANSCRIPTS, encoding="utf-8") as f:
        for line in f:
            if line.startswith(";") or ":" not in line:
                continue
            name, text = line.split(":", 1)
            written[name.strip()] = text.strip()
    seconds, evaluation_texts = {}, set()
    with open(os.path.join(speaker, "splits.tsv"), encoding="utf-8") as f:
        for line in f:
            name, split, secs, text = line.rstrip("\n").split("\t")[:4]
            seconds[name] = float(secs)
            if split in ("validation", "test"):
                evaluation_texts.add(" ".join(words(text)))
    sets = {"seen": [], "unseen": []}
    chosen = set(evaluation_texts)
    with open(os.path.join(speaker, "pretrain", "metadata.tsv"), encoding="utf-8") as f:
        rows = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    for index, (name, text) in enumerate(rows):
        key = " ".join(words(text))
        fragment = "..." in written.get(name, "") or "\u2026" in written.get(name, "")
        if fragment or len(words(text)) < 3 or not 1.5 <= seconds.get(name, 0) <= MAX_SECONDS or key in chosen:
            continue
        chosen.add(key)
        sets["seen" if index < APERIODICITY_LIMIT else "unseen"].append((name, text))
    for part, items in sets.items():
        d = os.path.join(out, part)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "metadata.tsv"), "w", encoding="utf-8") as f:
            for name, text in items:
                target = os.path.join(d, name.replace("/", "_") + ".wav")
                if not os.path.exists(target):
                    os.link(os.path.join(speaker, "pretrain", name + ".wav"), target)
                f.write(f"{name.replace('/', '_')}\t{text}\n")
        print(f"{part}: {len(items)} prompts, {sum(seconds[n] for n, _ in items):.1f} s -> {d}")


if __name__ == "__main__":
    main()
