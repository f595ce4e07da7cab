// The browser side of Chafang's offline store and capture: IndexedDB, photo shrinking and
// hashing, and the position. Rust (app/src/store/mod.rs, photo.rs, geo.rs) calls these; they
// are plain JavaScript because each is a handful of browser calls.
//
// IndexedDB rule: inside a transaction nothing but IDB requests is awaited (a transaction
// auto-commits once it has no pending request), so every value is prepared before it opens.

const DB_NAME = 'chafang';
const DB_VERSION = 2;
let opening = null;

function open() {
  if (!opening) {
    opening = new Promise((ok, fail) => {
      const r = indexedDB.open(DB_NAME, DB_VERSION);
      r.onupgradeneeded = (e) => {
        const db = r.result;
        if (e.oldVersion < 1) {
          // Small values by key: device id, next sequence number, pulled data (JSON text).
          db.createObjectStore('meta');
          // Visits being written, JSON text by visit id.
          db.createObjectStore('drafts');
          // Submitted visits with their sync state, JSON text by visit id.
          db.createObjectStore('outbox');
          // Photo bytes (Uint8Array, never Blob: Safari cannot store those reliably).
          const photos = db.createObjectStore('photos', { keyPath: 'id' });
          photos.createIndex('visit', 'visitId');
        }
        if (e.oldVersion < 2) {
          // Recordings: one row each (visit, media type, start, and once finished its hash,
          // length and duration), and their bytes in chunks written as the recorder gives
          // them, so a crash mid-recording keeps what was recorded.
          const recs = db.createObjectStore('recordings', { keyPath: 'id' });
          recs.createIndex('visit', 'visitId');
          recs.createIndex('sha256', 'sha256');
          db.createObjectStore('chunks', { keyPath: ['rec', 'n'] });
        }
      };
      r.onsuccess = () => {
        const db = r.result;
        db.onversionchange = () => db.close();
        ok(db);
      };
      r.onerror = () => {
        opening = null;
        fail(r.error);
      };
    });
  }
  return opening;
}

function req(r) {
  return new Promise((ok, fail) => {
    r.onsuccess = () => ok(r.result);
    r.onerror = () => fail(r.error);
  });
}

function done(tx) {
  return new Promise((ok, fail) => {
    tx.oncomplete = () => ok();
    tx.onerror = () => fail(tx.error);
    tx.onabort = () => fail(tx.error || new Error('transaction aborted'));
  });
}

async function get(store, key) {
  const db = await open();
  const v = await req(db.transaction(store).objectStore(store).get(key));
  return v === undefined ? null : v;
}

async function put(store, key, value) {
  const db = await open();
  const tx = db.transaction(store, 'readwrite');
  tx.objectStore(store).put(value, key);
  await done(tx);
}

async function del(store, key) {
  const db = await open();
  const tx = db.transaction(store, 'readwrite');
  tx.objectStore(store).delete(key);
  await done(tx);
}

async function all(store) {
  const db = await open();
  return await req(db.transaction(store).objectStore(store).getAll());
}

export const metaGet = (key) => get('meta', key);
export const metaPut = (key, value) => put('meta', key, value);
export const draftGet = (id) => get('drafts', id);
export const draftPut = (id, json) => put('drafts', id, json);
export const draftDelete = (id) => del('drafts', id);
export const draftsAll = () => all('drafts');
export const outboxGet = (id) => get('outbox', id);
export const outboxPut = (id, json) => put('outbox', id, json);
export const outboxAll = () => all('outbox');

export async function photoPut(id, visitId, sha256, bytes) {
  const db = await open();
  const tx = db.transaction('photos', 'readwrite');
  tx.objectStore('photos').put({ id, visitId, sha256, bytes });
  await done(tx);
}

export async function photoGet(id) {
  const p = await get('photos', id);
  return p ? p.bytes : null;
}

export const photoDelete = (id) => del('photos', id);

// ---- Recordings ------------------------------------------------------------------------
// A recording is made with MediaRecorder in one-second slices; each slice is written to the
// 'chunks' store as it arrives. Stopping (or reopening the draft after a crash or reload)
// joins the chunks, hashes them (SubtleCrypto) and writes the hash, length and duration on the
// recording's row. A file from the phone's own recorder is stored the same way.

let recording = null;

function pickType(video) {
  const types = video
    ? ['video/webm;codecs=vp8,opus', 'video/webm', 'video/mp4']
    : ['audio/webm;codecs=opus', 'audio/webm', 'audio/mp4', 'audio/ogg;codecs=opus'];
  if (typeof MediaRecorder === 'undefined') return null;
  for (const t of types) if (MediaRecorder.isTypeSupported(t)) return t;
  return '';
}

async function putRow(row) {
  const db = await open();
  const tx = db.transaction('recordings', 'readwrite');
  tx.objectStore('recordings').put(row);
  await done(tx);
}

function summary(row) {
  return {
    id: row.id,
    sha256: row.sha256,
    bytes: row.bytes,
    media_type: row.mediaType,
    duration_ms: row.durationMs,
  };
}

// Joins a recording's chunks, hashes them and marks the row finished.
async function finish(row) {
  const db = await open();
  const range = IDBKeyRange.bound([row.id, 0], [row.id, Number.MAX_SAFE_INTEGER]);
  const chunks = await req(db.transaction('chunks').objectStore('chunks').getAll(range));
  let length = 0;
  for (const c of chunks) length += c.bytes.length;
  const all = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    all.set(c.bytes, at);
    at += c.bytes.length;
  }
  row.bytes = length;
  row.sha256 = hex(await crypto.subtle.digest('SHA-256', all));
  const last = chunks.length ? chunks[chunks.length - 1].at : row.startedAt;
  if (!row.durationMs) row.durationMs = Math.max(0, Math.round(last - row.startedAt));
  row.finished = true;
  await putRow(row);
  return row;
}

// Starts recording for a visit (audio, or video where the phone allows). Resolves to the
// recording's id, or rejects with the browser's error (no microphone, permission denied).
export async function recStart(visitId, video) {
  if (recording) throw new Error('already recording');
  const type = pickType(video);
  if (type === null) throw new Error('MediaRecorder is not available');
  const stream = await navigator.mediaDevices.getUserMedia(video ? { audio: true, video: { facingMode: 'environment' } } : { audio: true });
  const recorder = type ? new MediaRecorder(stream, { mimeType: type }) : new MediaRecorder(stream);
  const id = crypto.randomUUID();
  const row = {
    id, visitId, mediaType: recorder.mimeType || type || (video ? 'video/webm' : 'audio/webm'),
    startedAt: Date.now(), finished: false,
  };
  await putRow(row);
  let n = 0;
  let writing = Promise.resolve();
  recorder.ondataavailable = (e) => {
    if (!e.data || e.data.size === 0) return;
    const at = Date.now();
    const k = n++;
    writing = writing.then(async () => {
      const bytes = new Uint8Array(await e.data.arrayBuffer());
      const db = await open();
      const tx = db.transaction('chunks', 'readwrite');
      tx.objectStore('chunks').put({ rec: id, n: k, at, bytes });
      await done(tx);
    });
  };
  const stopped = new Promise((ok) => { recorder.onstop = () => ok(); });
  recording = { id, recorder, stream, stopped, row, writing: () => writing };
  recorder.start(1000);
  return id;
}

// Whether a recording is being made, and for how long (ms).
export function recActive() {
  return recording ? Date.now() - recording.row.startedAt : -1;
}

// Stops the recording under way and resolves to its summary (JSON text).
export async function recStop() {
  const r = recording;
  if (!r) return null;
  r.recorder.stop();
  await r.stopped;
  r.stream.getTracks().forEach((t) => t.stop());
  await r.writing();
  recording = null;
  r.row.durationMs = Date.now() - r.row.startedAt;
  return JSON.stringify(summary(await finish(r.row)));
}

// A file from the phone's recorder, kept for a visit. Resolves to its summary (JSON text).
export async function recFromFile(visitId, file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const id = crypto.randomUUID();
  const row = { id, visitId, mediaType: file.type || 'audio/mp4', startedAt: Date.now(), finished: false };
  let duration = 0;
  try {
    duration = await new Promise((ok) => {
      const url = URL.createObjectURL(file);
      const el = document.createElement(file.type.startsWith('video/') ? 'video' : 'audio');
      el.preload = 'metadata';
      el.onloadedmetadata = () => { URL.revokeObjectURL(url); ok(isFinite(el.duration) ? el.duration * 1000 : 0); };
      el.onerror = () => { URL.revokeObjectURL(url); ok(0); };
      el.src = url;
    });
  } catch (_) { duration = 0; }
  row.durationMs = Math.round(duration);
  await putRow(row);
  const db = await open();
  const tx = db.transaction('chunks', 'readwrite');
  tx.objectStore('chunks').put({ rec: id, n: 0, at: Date.now(), bytes });
  await done(tx);
  return JSON.stringify(summary(await finish(row)));
}

// A visit's recordings (JSON text of an array of summaries), finishing any left unfinished by
// a crash or reload (not the one being recorded now).
export async function recList(visitId) {
  const db = await open();
  const rows = await req(db.transaction('recordings').objectStore('recordings').index('visit').getAll(visitId));
  const out = [];
  for (let row of rows) {
    if (recording && recording.id === row.id) continue;
    if (!row.finished) row = await finish(row);
    if (row.bytes > 0) out.push(summary(row));
  }
  return JSON.stringify(out);
}

// A recording's bytes by its hash, or null.
export async function recBytes(sha256) {
  const db = await open();
  const row = await req(db.transaction('recordings').objectStore('recordings').index('sha256').get(sha256));
  if (!row) return null;
  const range = IDBKeyRange.bound([row.id, 0], [row.id, Number.MAX_SAFE_INTEGER]);
  const chunks = await req(db.transaction('chunks').objectStore('chunks').getAll(range));
  const all = new Uint8Array(chunks.reduce((a, c) => a + c.bytes.length, 0));
  let at = 0;
  for (const c of chunks) { all.set(c.bytes, at); at += c.bytes.length; }
  return all;
}

// Lets go of a recording's bytes once the server confirmed them.
export async function recDelete(sha256) {
  const db = await open();
  const row = await req(db.transaction('recordings').objectStore('recordings').index('sha256').get(sha256));
  if (!row) return;
  const tx = db.transaction(['recordings', 'chunks'], 'readwrite');
  tx.objectStore('chunks').delete(IDBKeyRange.bound([row.id, 0], [row.id, Number.MAX_SAFE_INTEGER]));
  tx.objectStore('recordings').delete(row.id);
  await done(tx);
}

// An object URL playing a recording's bytes (revoke it when done).
export function mediaUrl(bytes, type) {
  return URL.createObjectURL(new Blob([bytes], { type }));
}

// Moves a draft into the outbox and gives it the device's next sequence number, in one
// transaction: a number is never skipped or used twice. The device id is created on the first
// submission (`freshDeviceId`) and kept. Returns the entry as stored (JSON text).
export async function submit(draftId, entryJson, freshDeviceId) {
  const entry = JSON.parse(entryJson);
  const db = await open();
  const tx = db.transaction(['meta', 'drafts', 'outbox'], 'readwrite');
  const meta = tx.objectStore('meta');
  const finished = done(tx);
  // A refused entry opened again and put right replaces itself under its own number, so the
  // server never sees a gap in the sequence.
  const refused = await req(tx.objectStore('outbox').get(draftId));
  const before = refused ? JSON.parse(refused).upload : null;
  const seq = before ? before.device_seq : (await req(meta.get('nextSeq'))) ?? 1;
  let device = before ? before.device_id : await req(meta.get('deviceId'));
  if (!device) {
    device = freshDeviceId;
    meta.put(device, 'deviceId');
  }
  entry.upload.device_seq = seq;
  entry.upload.device_id = device;
  const stored = JSON.stringify(entry);
  tx.objectStore('outbox').put(stored, draftId);
  tx.objectStore('drafts').delete(draftId);
  if (!before) meta.put(seq + 1, 'nextSeq');
  await finished;
  return stored;
}

// Marks an outbox entry confirmed and lets go of its photo bytes, in one transaction.
export async function confirm(visitId, entryJson, photoIds) {
  const db = await open();
  const tx = db.transaction(['outbox', 'photos'], 'readwrite');
  tx.objectStore('outbox').put(entryJson, visitId);
  for (const id of photoIds) tx.objectStore('photos').delete(id);
  await done(tx);
}

// Asks for persistent storage: "granted", "denied" or "unsupported".
export async function persist() {
  const s = navigator.storage;
  if (!s || !s.persist) return 'unsupported';
  if (await s.persisted()) return 'granted';
  return (await s.persist()) ? 'granted' : 'denied';
}

function hex(buf) {
  return Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');
}

// Shrinks a photo to at most `maxSide` px on the long side as JPEG (which also drops EXIF),
// and hashes the result. Returns { bytes: Uint8Array, sha256: hex or null without SubtleCrypto }.
export async function shrinkPhoto(file, maxSide, quality) {
  const bmp = await createImageBitmap(file, { imageOrientation: 'from-image' });
  const scale = Math.min(1, maxSide / Math.max(bmp.width, bmp.height));
  const w = Math.max(1, Math.round(bmp.width * scale));
  const h = Math.max(1, Math.round(bmp.height * scale));
  let blob;
  if (typeof OffscreenCanvas !== 'undefined') {
    const c = new OffscreenCanvas(w, h);
    c.getContext('2d').drawImage(bmp, 0, 0, w, h);
    blob = await c.convertToBlob({ type: 'image/jpeg', quality });
  } else {
    const c = document.createElement('canvas');
    c.width = w;
    c.height = h;
    c.getContext('2d').drawImage(bmp, 0, 0, w, h);
    blob = await new Promise((ok) => c.toBlob(ok, 'image/jpeg', quality));
  }
  bmp.close();
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let sha256 = null;
  if (globalThis.crypto && crypto.subtle) {
    sha256 = hex(await crypto.subtle.digest('SHA-256', bytes));
  }
  return { bytes, sha256 };
}

// An object URL showing JPEG bytes (for thumbnails only; revoke it when done).
export function jpegUrl(bytes) {
  return URL.createObjectURL(new Blob([bytes], { type: 'image/jpeg' }));
}

export function revokeUrl(url) {
  URL.revokeObjectURL(url);
}

// Watches the position for up to `maxMs`, keeping the most accurate fix and stopping early
// at `goodM` metres. Resolves to the JSON of a `Position`.
export function locate(maxMs, goodM) {
  return new Promise((ok) => {
    const geo = navigator.geolocation;
    if (!geo) {
      ok(JSON.stringify({ kind: 'missing', reason: 'unavailable' }));
      return;
    }
    let best = null;
    let lastError = 0;
    let finished = false;
    let watch = null;
    const finish = () => {
      if (finished) return;
      finished = true;
      if (watch !== null) geo.clearWatch(watch);
      clearTimeout(timer);
      if (best) {
        ok(JSON.stringify({
          kind: 'fix',
          lat: best.coords.latitude,
          lon: best.coords.longitude,
          accuracy_m: Math.max(best.coords.accuracy, 0.1),
          at_device_ms: Math.round(best.timestamp),
        }));
      } else {
        const reason = lastError === 1 ? 'denied' : lastError === 2 ? 'unavailable' : 'timeout';
        ok(JSON.stringify({ kind: 'missing', reason }));
      }
    };
    const timer = setTimeout(finish, maxMs);
    watch = geo.watchPosition(
      (p) => {
        if (!best || p.coords.accuracy < best.coords.accuracy) best = p;
        if (p.coords.accuracy <= goodM) finish();
      },
      (e) => {
        lastError = e.code;
        if (e.code === 1) finish();
      },
      { enableHighAccuracy: true, maximumAge: 0, timeout: maxMs },
    );
  });
}
