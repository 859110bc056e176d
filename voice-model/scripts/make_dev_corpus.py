#!/usr/bin/python3
"""Development corpus for pretraining while speech-tools' corpus is not there: Debian voices, exact
transcripts, 32 kHz mono 16-bit; layout <root>/<speaker>/<id>.wav + metadata.tsv (id TAB text).
Usage: make_dev_corpus.py SENTENCES_FILE OUT_ROOT [PER_SPEAKER]. Resumable, deterministic."""
import os, subprocess, sys
from concurrent.futures import ThreadPoolExecutor
sent_file, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 400
sentences = [l.strip() for l in open(sent_file, encoding='utf-8') if l.strip()]
speakers = ["flite_kal16", "flite_awb", "flite_slt", "flite_rms", "espeak_f3", "festival_ked"]
jobs = []
for i, spk in enumerate(speakers):
    os.makedirs(f"{out}/{spk}", exist_ok=True)
    start = (i * n // 2) % len(sentences)          # each speaker reads a different window of the pool
    chosen = [sentences[(start + k) % len(sentences)] for k in range(n)]
    with open(f"{out}/{spk}/metadata.tsv", "w", encoding='utf-8') as meta:
        for k, text in enumerate(chosen):
            uid = f"{spk}_{k:05d}"
            meta.write(f"{uid}\t{text}\n")
            jobs.append((spk, uid, text))
def synth(job):
    spk, uid, text = job
    dst = f"{out}/{spk}/{uid}.wav"; tmp = dst + ".tmp.wav"
    if os.path.exists(dst) and os.path.getsize(dst) > 0: return
    if spk.startswith("flite_"):
        cmd = ["flite", "-voice", spk[6:], "-t", text, "-o", tmp]; inp = None
    elif spk == "espeak_f3":
        cmd = ["espeak-ng", "-v", "en-us+f3", "-s", "165", "-w", tmp, text]; inp = None
    else:
        cmd = ["text2wave", "-eval", "(voice_ked_diphone)", "-o", tmp]; inp = text.encode()
    try:
        subprocess.run(cmd, input=inp, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as e:
        print(f"skipped {uid}: {e}", file=sys.stderr)   # the loader skips ids without audio
        return
    subprocess.run(["sox", "-q", tmp, "-r", "32000", "-c", "1", "-b", "16", dst + ".part.wav", "norm", "-3"], check=True)
    os.replace(dst + ".part.wav", dst); os.remove(tmp)
# interleave speakers so a partial corpus already has every voice
order = sorted(jobs, key=lambda j: (int(j[1].rsplit('_', 1)[1]), j[0]))
with ThreadPoolExecutor(2) as ex:
    for _ in ex.map(synth, order): pass
print("CORPUS DONE")
