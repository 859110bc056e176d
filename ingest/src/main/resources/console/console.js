// VoxPipe console: plain JavaScript over the /v1 API, nothing loaded from elsewhere.
// The API key stays in this tab (sessionStorage) and goes in the Authorization header of every call;
// Server-Sent Events and the streamed audio are read with fetch for the same reason (EventSource and
// <audio src> cannot send headers).
"use strict";
const $ = (id) => document.getElementById(id);
const state = { key: sessionStorage.getItem("voxpipe.key"), voice: null, syntheses: [], pendingTranscripts: {} };

/** A fresh Idempotency-Key for one user action (crypto.randomUUID needs a secure context: fall back on getRandomValues). */
function newIdempotencyKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Every POST carries an Idempotency-Key and is retried with the same key while the service answers
// 503 (whatever its "outcome"), 429 or idempotency_key_in_use, or the network fails: a retry never
// creates a second voice, sample, job or synthesis.
async function api(method, path, body, headers = {}) {
  const init = { method, headers: { Authorization: "Bearer " + state.key, ...headers } };
  if (method === "POST") init.headers["Idempotency-Key"] = newIdempotencyKey();
  if (body !== undefined) {
    if (body instanceof Blob || body instanceof ArrayBuffer) init.body = body;
    else { init.body = JSON.stringify(body); init.headers["Content-Type"] = "application/json"; }
  }
  const deadline = Date.now() + 60000;
  for (;;) {
    let r;
    try {
      r = await fetch(path, init);
    } catch (e) {
      if (method !== "POST" || Date.now() > deadline) throw e;
      await sleep(1000);
      continue;
    }
    const text = await r.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch (e) { /* not JSON */ }
    const again = method === "POST" && (r.status === 503 || r.status === 429
        || (r.status === 409 && json && json.error === "idempotency_key_in_use"));
    if (again && Date.now() < deadline) {
      const after = Number(r.headers.get("Retry-After"));
      await sleep(Math.min(10, Number.isFinite(after) && after > 0 ? after : 1) * 1000);
      continue;
    }
    if (!r.ok) throw new Error((json && json.message) || ("HTTP " + r.status));
    return json;
  }
}

/** Reads a Server-Sent Events stream with fetch; calls onEvent(name, data) until it ends. */
async function sse(path, onEvent) {
  const r = await fetch(path, { headers: { Authorization: "Bearer " + state.key } });
  if (!r.ok) throw new Error("HTTP " + r.status);
  const reader = r.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, cut); buffer = buffer.slice(cut + 2);
      let name = "message", data = "";
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) name = line.slice(6).trim();
        else if (line.startsWith("data:")) data += line.slice(5).trim();
      }
      if (data) onEvent(name, JSON.parse(data));
    }
  }
}

function show(view) {
  for (const v of document.querySelectorAll(".view")) v.hidden = v.id !== "view-" + view;
  for (const t of document.querySelectorAll(".tab")) t.classList.toggle("active", t.dataset.view === view);
  if (view === "voices") loadVoices();
  if (view === "synthesis") loadVoiceChoices();
  if (view === "lists") loadLists();
}

// ---- sign in
$("signin-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  state.key = $("api-key").value.trim();
  try {
    await api("GET", "/v1/voices?limit=1");
    sessionStorage.setItem("voxpipe.key", state.key);
    $("signin-error").textContent = "";
    $("nav").hidden = false;
    show("voices");
  } catch (err) {
    $("signin-error").textContent = "Not signed in: " + err.message;
  }
});
$("sign-out").addEventListener("click", () => { sessionStorage.clear(); location.reload(); });
for (const t of document.querySelectorAll(".tab")) t.addEventListener("click", () => show(t.dataset.view));

// ---- voices
async function loadVoices() {
  const list = await api("GET", "/v1/voices?limit=200");
  const ul = $("voice-list");
  ul.replaceChildren();
  for (const v of list.items) {
    const li = document.createElement("li");
    li.textContent = v.name + " (" + v.language + ")";
    li.dataset.voiceId = v.voiceId;
    li.classList.toggle("selected", v.voiceId === state.voice);
    li.addEventListener("click", () => selectVoice(v.voiceId));
    ul.append(li);
  }
}

$("voice-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const v = await api("POST", "/v1/voices", {
    name: $("voice-name").value, language: $("voice-language").value,
    consent: { attestedBy: $("voice-attested").value, statement: $("voice-consent").value },
  });
  e.target.reset();
  await loadVoices();
  selectVoice(v.voiceId);
});

async function selectVoice(voiceId) {
  state.voice = voiceId;
  for (const li of $("voice-list").children) li.classList.toggle("selected", li.dataset.voiceId === voiceId);
  $("voice-detail").hidden = false;
  await refreshVoice();
}

// the served model still holds what it learned from uploads deleted since it was trained
function deletedUploadsNote(ids) {
  if (ids.length === 0) return "";
  return " · trained on " + ids.length + (ids.length === 1 ? " deleted upload: train again to leave it out"
      : " deleted uploads: train again to leave them out");
}

async function refreshVoice() {
  if (!state.voice) return;
  const v = await api("GET", "/v1/voices/" + state.voice);
  $("voice-title").textContent = v.name;
  $("voice-meta").textContent = v.voiceId + " · consent " + v.consent.state.toLowerCase() + " (" + v.consent.attestedBy
      + ") · model " + v.model.state.toLowerCase() + (v.model.latestVersion ? " v" + v.model.latestVersion : "")
      + deletedUploadsNote(v.model.latestTrainedOnDeletedUploads || []);
  const d = v.dataset;
  $("dataset").textContent = d.usableSeconds.toFixed(1) + " s usable of " + d.minimumTrainingSeconds + " s needed · "
      + d.clipsAccepted + " clips accepted, " + d.clipsRejected + " rejected";
  const rej = $("rejections");
  rej.replaceChildren();
  for (const r of d.rejections) {
    const li = document.createElement("li");
    li.textContent = "clip " + r.clipId + " (" + r.seconds.toFixed(1) + " s): " + r.reasons.join(", ");
    rej.append(li);
  }
  for (const r of d.uploadsRejected) { const li = document.createElement("li"); li.textContent = r; rej.append(li); }
  $("train").disabled = !d.readyForTraining || v.model.state === "TRAINING";
  $("voice-sample").hidden = !v.model.sampleUrl;
  if (v.model.sampleUrl && $("voice-sample").dataset.url !== v.model.sampleUrl + v.model.latestVersion) {
    $("voice-sample").dataset.url = v.model.sampleUrl + v.model.latestVersion;
    audioUrl(v.model.sampleUrl).then((u) => { $("voice-sample-audio").src = u; }).catch(() => { $("voice-sample").hidden = true; });
  }
  const samples = await api("GET", "/v1/voices/" + state.voice + "/samples?limit=200");
  const body = $("uploads").tBodies[0];
  body.replaceChildren();
  for (const u of samples.items) {
    const tr = body.insertRow();
    tr.insertCell().textContent = u.uploadId;
    tr.insertCell().textContent = (u.sizeBytes / 1024).toFixed(0) + " KiB";
    tr.insertCell().textContent = u.hasTranscript ? "yes" : "no";
    tr.insertCell().textContent = u.state.toLowerCase() + (u.rejectionReason ? ": " + u.rejectionReason : "")
        + (u.labelNote ? " · text: " + u.labelNote : "");
  }
  const active = v.trainingJobs.find((j) => j.state === "QUEUED" || j.state === "RUNNING" || j.state === "DEFERRED");
  if (active && !state.watching) watchJob(active.jobId);
  await refreshClips();
}

/** The voice's clips: text, where it came from, confidence; play, fix or confirm each (issue 20). */
async function refreshClips() {
  const clips = await api("GET", "/v1/voices/" + state.voice + "/clips?limit=500");
  const l = clips.labels;
  const parts = Object.entries(l.secondsBySource).map(([k, s]) => k + " " + s.toFixed(1) + " s");
  $("labels").textContent = "text training can use: " + l.textSeconds.toFixed(1) + " s of " + l.acceptedSeconds.toFixed(1)
      + " s · by source: " + (parts.join(", ") || "none");
  const body = $("clips").tBodies[0];
  body.replaceChildren();
  for (const c of clips.items) {
    if (!c.accepted) continue;
    const tr = body.insertRow();
    tr.dataset.clipId = c.clipId;
    tr.insertCell().textContent = c.clipId.replace(/^.*-c/, "#");
    tr.insertCell().textContent = c.seconds.toFixed(1);
    tr.insertCell().textContent = (c.source || "no text") + (c.trainable ? " ✓" : "");
    tr.insertCell().textContent = c.confidence == null ? "" : c.confidence.toFixed(2);
    const text = document.createElement("input");
    text.className = "clip-text";
    text.value = c.text || "";
    text.placeholder = c.note || "what is said in this clip";
    text.title = c.note || "";
    tr.insertCell().append(text);
    const actions = tr.insertCell();
    const play = document.createElement("button");
    play.type = "button";
    play.textContent = "▶";
    play.addEventListener("click", async () => {
      const r = await fetch(c.audio, { headers: { Authorization: "Bearer " + state.key } });
      new Audio(URL.createObjectURL(await r.blob())).play();
    });
    const save = document.createElement("button");
    save.type = "button";
    save.className = "clip-save";
    save.textContent = c.text && !c.trainable ? "Confirm" : "Save";
    text.addEventListener("input", () => { save.textContent = "Save"; });
    save.addEventListener("click", async () => {
      const fixed = text.value.trim();
      const edit = fixed && fixed !== c.text ? { text: fixed } : { confirmed: true };
      try {
        await api("PATCH", "/v1/voices/" + state.voice + "/clips/" + c.clipId, edit);
        await refreshClips();
      } catch (e) {
        text.title = e.message;
        save.textContent = "Retry";
      }
    });
    actions.append(play, save);
  }
}

async function upload(blob, name) {
  const transcript = state.pendingTranscripts[name.replace(/\.[^.]+$/, "")] || $("upload-transcript").value.trim();
  const q = transcript ? "?transcript=" + encodeURIComponent(transcript) : "";
  await api("POST", "/v1/voices/" + state.voice + "/samples" + q, blob, { "Content-Type": blob.type || "application/octet-stream" });
  $("upload-transcript").value = "";
}

async function uploadFiles(files) {
  const list = Array.from(files);
  for (const f of list.filter((f) => f.name.endsWith(".txt"))) {
    state.pendingTranscripts[f.name.replace(/\.txt$/, "")] = (await f.text()).trim();
  }
  for (const f of list.filter((f) => !f.name.endsWith(".txt"))) await upload(f, f.name);
  await refreshVoice();
  setTimeout(refreshVoice, 3000); // the feature worker's verdicts follow within seconds
}

const drop = $("drop");
drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (e) => { e.preventDefault(); drop.classList.remove("over"); uploadFiles(e.dataTransfer.files); });
$("file-input").addEventListener("change", (e) => uploadFiles(e.target.files));

// microphone: MediaRecorder records (WebM or Ogg Opus in browsers), the browser decodes it and the upload is a
// 16-bit mono WAV, which the server always reads.
let recorder = null;
$("record-start").addEventListener("click", async () => {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  const chunks = [];
  recorder = new MediaRecorder(stream);
  recorder.ondataavailable = (e) => chunks.push(e.data);
  recorder.onstop = async () => {
    stream.getTracks().forEach((t) => t.stop());
    $("record-status").textContent = "uploading ...";
    const decoded = await new AudioContext().decodeAudioData(await new Blob(chunks).arrayBuffer());
    await upload(wav(decoded), "recording");
    $("record-status").textContent = "uploaded " + decoded.duration.toFixed(1) + " s";
    refreshVoice();
  };
  recorder.start();
  $("record-start").disabled = true; $("record-stop").disabled = false;
  $("record-status").textContent = "recording ...";
});
$("record-stop").addEventListener("click", () => { recorder.stop(); $("record-start").disabled = false; $("record-stop").disabled = true; });

/** An AudioBuffer as a 16-bit mono PCM WAV blob (channels averaged). */
function wav(buffer) {
  const n = buffer.length, rate = buffer.sampleRate, out = new DataView(new ArrayBuffer(44 + 2 * n));
  const text = (o, s) => { for (let i = 0; i < s.length; i++) out.setUint8(o + i, s.charCodeAt(i)); };
  text(0, "RIFF"); out.setUint32(4, 36 + 2 * n, true); text(8, "WAVE"); text(12, "fmt ");
  out.setUint32(16, 16, true); out.setUint16(20, 1, true); out.setUint16(22, 1, true); out.setUint32(24, rate, true);
  out.setUint32(28, 2 * rate, true); out.setUint16(32, 2, true); out.setUint16(34, 16, true); text(36, "data"); out.setUint32(40, 2 * n, true);
  const channels = Array.from({ length: buffer.numberOfChannels }, (_, c) => buffer.getChannelData(c));
  for (let i = 0; i < n; i++) {
    let v = 0;
    for (const ch of channels) v += ch[i];
    v = Math.max(-1, Math.min(1, v / channels.length));
    out.setInt16(44 + 2 * i, v < 0 ? v * 32768 : v * 32767, true);
  }
  return new Blob([out.buffer], { type: "audio/wav" });
}

// ---- training with live progress (SSE)
$("train").addEventListener("click", async () => {
  const local = $("train-deadline").value; // datetime-local: the browser's time zone
  const job = await api("POST", "/v1/voices/" + state.voice + "/training", local ? { deadline: new Date(local).toISOString() } : {});
  watchJob(job.jobId);
});

/** Audio the API serves behind the key, as an object URL for an <audio> element. */
async function audioUrl(path) {
  const r = await fetch(path, { headers: { Authorization: "Bearer " + state.key } });
  if (!r.ok) throw new Error("HTTP " + r.status);
  return URL.createObjectURL(await r.blob());
}

/** Lists the job's auditions (new ones appended), each with a player: the voice improving step by step. */
async function showAuditions(jobId) {
  const list = await api("GET", "/v1/jobs/" + jobId + "/auditions");
  const ul = $("auditions");
  if (ul.dataset.job !== jobId) { ul.replaceChildren(); ul.dataset.job = jobId; }
  const shown = new Set([...ul.children].map((li) => li.dataset.url));
  for (const a of list.items) {
    if (shown.has(a.url)) continue;
    const li = document.createElement("li");
    li.dataset.url = a.url;
    const label = document.createElement("span");
    label.textContent = "step " + a.step + (list.finalStep === a.step ? " (final)" : "") + ": " + a.text + " ";
    const audio = document.createElement("audio");
    audio.controls = true;
    audio.src = await audioUrl(a.url);
    li.append(label, audio);
    ul.append(li);
  }
  $("auditions-title").hidden = ul.children.length === 0;
}

async function watchJob(jobId) {
  state.watching = jobId;
  $("training").hidden = false;
  $("train").disabled = true;
  try {
    let auditions = 0;
    await sse("/v1/jobs/" + jobId + "/events", (name, s) => {
      const p = s.progress || {};
      if ((p.auditions || 0) > auditions) { auditions = p.auditions; showAuditions(jobId).catch(() => {}); }
      if (s.state === "DEFERRED") {
        $("training-text").textContent = "deferred until " + new Date(p.deferredUntil).toLocaleString()
            + (p.carbonIntensity != null ? " · expected " + Math.round(p.carbonIntensity) + " gCO2e/kWh" : "");
        return;
      }
      const frac = p.totalSteps ? p.step / p.totalSteps : 0;
      $("training-bar").style.width = (100 * frac).toFixed(1) + "%";
      $("training-text").textContent = s.state.toLowerCase() + " · step " + (p.step || 0) + "/" + (p.totalSteps || "?")
          + (p.loss != null ? " · loss " + p.loss.toFixed(4) : "") + (p.etaSeconds != null ? " · ETA " + Math.round(p.etaSeconds) + " s" : "")
          + (p.energyWh != null ? " · " + p.energyWh.toFixed(3) + " Wh " + (p.energySource || "estimated") : "")
          + (s.reason ? " · " + s.reason.message : "");
    });
  } finally {
    state.watching = null;
    refreshVoice();
  }
}

// ---- synthesis: text or .txt book, progress, play while it renders, download
async function loadVoiceChoices() {
  const list = await api("GET", "/v1/voices?limit=200");
  const sel = $("synth-voice");
  sel.replaceChildren();
  for (const v of list.items) {
    const o = document.createElement("option");
    o.value = v.voiceId; o.textContent = v.name;
    sel.append(o);
  }
}
$("synth-file").addEventListener("change", async (e) => {
  const f = e.target.files[0];
  $("synth-text").value = await f.text();
  $("synth-file-name").textContent = f.name + " (" + $("synth-text").value.length + " characters)";
});

$("synth-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  $("synth-error").textContent = "";
  let s;
  try {
    s = await api("POST", "/v1/synthesis", {
      voiceId: $("synth-voice").value, text: $("synth-text").value, format: $("synth-format").value,
      speed: Number($("synth-speed").value), sentencePauseMs: Number($("synth-sentence-pause").value),
      paragraphPauseMs: Number($("synth-paragraph-pause").value), streaming: true,
    });
  } catch (err) {
    $("synth-error").textContent = err.message;
    return;
  }
  state.syntheses.unshift({ requestId: s.requestId, voiceId: s.voiceId });
  sessionStorage.setItem("voxpipe.syntheses", JSON.stringify(state.syntheses));
  state.current = s.requestId;
  $("synth-progress").hidden = false;
  $("synth-download").hidden = true;
  sse("/v1/synthesis/" + s.requestId + "/events", (name, st) => {
    const p = st.progress;
    $("synth-bar").style.width = (100 * (p.fraction || 0)).toFixed(1) + "%";
    $("synth-text-status").textContent = st.state.toLowerCase() + " · " + (p.chunksSynthesized ?? p.chunksDone) + "/" + (p.chunksTotal || "?") + " chunks"
        + (p.etaSeconds != null && st.state !== "SUCCEEDED" ? " · ETA " + Math.round(p.etaSeconds) + " s" : "")
        + (st.result && st.result.durationSeconds ? " · " + st.result.durationSeconds.toFixed(1) + " s of audio" : "")
        + (st.result && st.result.reason ? " · " + st.result.reason.message : "");
    if (st.state === "SUCCEEDED") offerDownload(s.requestId, $("synth-format").value);
  });
});

async function offerDownload(requestId, format) {
  const r = await fetch("/v1/synthesis/" + requestId + "/audio", { headers: { Authorization: "Bearer " + state.key } });
  const url = URL.createObjectURL(await r.blob());
  const a = $("synth-download");
  a.href = url;
  a.download = requestId + "." + ({ ogg_opus: "opus", ogg_vorbis: "ogg" }[format] || format);
  a.hidden = false;
}

/** Plays /v1/synthesis/{id}/stream as it arrives: 16-bit PCM scheduled on Web Audio, chunk after chunk. */
$("synth-play").addEventListener("click", async () => {
  if (!state.current) return;
  const ctx = new AudioContext();
  const r = await fetch("/v1/synthesis/" + state.current + "/stream", { headers: { Authorization: "Bearer " + state.key } });
  const reader = r.body.getReader();
  let header = null, rate = 32000, at = ctx.currentTime + 0.1, pending = new Uint8Array(0);
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    const joined = new Uint8Array(pending.length + value.length);
    joined.set(pending); joined.set(value, pending.length);
    pending = joined;
    if (!header) {
      if (pending.length < 44) continue;
      header = new DataView(pending.buffer, 0, 44);
      rate = header.getUint32(24, true);
      pending = pending.slice(44);
    }
    const samples = Math.floor(pending.length / 2);
    if (samples < rate / 10) continue; // schedule in pieces of at least 100 ms
    const view = new DataView(pending.buffer, pending.byteOffset, samples * 2);
    const buffer = ctx.createBuffer(1, samples, rate);
    const data = buffer.getChannelData(0);
    for (let i = 0; i < samples; i++) data[i] = view.getInt16(2 * i, true) / 32768;
    pending = pending.slice(samples * 2);
    const src = ctx.createBufferSource();
    src.buffer = buffer; src.connect(ctx.destination);
    at = Math.max(at, ctx.currentTime);
    src.start(at);
    at += buffer.duration;
  }
});

// ---- lists: syntheses made in this tab, training jobs of every voice
async function loadLists() {
  const sb = $("syntheses").tBodies[0];
  sb.replaceChildren();
  for (const s of state.syntheses) {
    const st = await api("GET", "/v1/synthesis/" + s.requestId).catch(() => null);
    if (!st) continue;
    const tr = sb.insertRow();
    tr.insertCell().textContent = s.requestId;
    tr.insertCell().textContent = s.voiceId;
    tr.insertCell().textContent = st.state.toLowerCase();
    tr.insertCell().textContent = (st.progress.chunksSynthesized ?? st.progress.chunksDone) + "/" + (st.progress.chunksTotal || "?");
    tr.insertCell().textContent = st.result && st.result.durationSeconds ? st.result.durationSeconds.toFixed(1) + " s" : "";
  }
  const jb = $("jobs").tBodies[0];
  jb.replaceChildren();
  const voices = await api("GET", "/v1/voices?limit=200");
  for (const v of voices.items) {
    const detail = await api("GET", "/v1/voices/" + v.voiceId);
    for (const j of detail.trainingJobs) {
      const tr = jb.insertRow();
      tr.insertCell().textContent = j.jobId;
      tr.insertCell().textContent = v.name;
      tr.insertCell().textContent = (j.state || "").toLowerCase();
      tr.insertCell().textContent = j.progress ? j.progress.step + "/" + j.progress.totalSteps : "";
      tr.insertCell().textContent = j.progress && j.progress.loss != null ? j.progress.loss.toFixed(4) : "";
    }
  }
}

// ---- start
state.syntheses = JSON.parse(sessionStorage.getItem("voxpipe.syntheses") || "[]");
if (state.key) {
  api("GET", "/v1/voices?limit=1").then(() => { $("nav").hidden = false; show("voices"); })
      .catch(() => { sessionStorage.removeItem("voxpipe.key"); });
}
