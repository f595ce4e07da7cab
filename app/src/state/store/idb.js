// The browser side of Chafang's offline store and capture: IndexedDB, photo shrinking and
// hashing, and the position. Rust (app/src/store/mod.rs, photo.rs, geo.rs) calls these; they
// are plain JavaScript because each is a handful of browser calls.
//
// IndexedDB rule: inside a transaction nothing but IDB requests is awaited (a transaction
// auto-commits once it has no pending request), so every value is prepared before it opens.

const DB_NAME = 'chafang';
const DB_VERSION = 1;
let opening = null;

function open() {
  if (!opening) {
    opening = new Promise((ok, fail) => {
      const r = indexedDB.open(DB_NAME, DB_VERSION);
      r.onupgradeneeded = () => {
        const db = r.result;
        // Small values by key: device id, next sequence number, pulled data (JSON text).
        db.createObjectStore('meta');
        // Visits being written, JSON text by visit id.
        db.createObjectStore('drafts');
        // Submitted visits with their sync state, JSON text by visit id.
        db.createObjectStore('outbox');
        // Photo bytes (Uint8Array, never Blob: Safari cannot store those reliably).
        const photos = db.createObjectStore('photos', { keyPath: 'id' });
        photos.createIndex('visit', 'visitId');
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
