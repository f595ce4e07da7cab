// Steps shared by the visit specs: waiting for the service worker, real multi-megabyte JPEGs
// made in the browser, reading the phone's IndexedDB, filling in the visit form, and a visit
// sent through the API as the phone would.
import { APIRequestContext, Page, expect } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { uuidv7 } from './helpers';

export async function serviceWorkerInControl(page: Page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((ok) => navigator.serviceWorker.addEventListener('controllerchange', ok, { once: true }));
    }
  });
}

/** A 4000×3000 JPEG of noise (several MB), encoded by Chromium, written to `path`. */
export async function noiseJpeg(page: Page, path: string): Promise<string> {
  const b64 = await page.evaluate(async () => {
    const c = document.createElement('canvas');
    c.width = 4000;
    c.height = 3000;
    const g = c.getContext('2d')!;
    const img = g.createImageData(c.width, c.height);
    const d = img.data;
    for (let i = 0; i < d.length; i += 4) {
      d[i] = Math.random() * 256;
      d[i + 1] = Math.random() * 256;
      d[i + 2] = Math.random() * 256;
      d[i + 3] = 255;
    }
    g.putImageData(img, 0, 0);
    const blob: Blob = await new Promise((ok) => c.toBlob((b) => ok(b!), 'image/jpeg', 0.92));
    const buf = new Uint8Array(await blob.arrayBuffer());
    let s = '';
    for (let i = 0; i < buf.length; i += 0x8000) s += String.fromCharCode(...buf.subarray(i, i + 0x8000));
    return btoa(s);
  });
  const bytes = Buffer.from(b64, 'base64');
  expect(bytes.length).toBeGreaterThan(2 * 1024 * 1024);
  writeFileSync(path, bytes);
  return path;
}

/** A 1200×900 JPEG of a gradient with coloured blocks (a few hundred KB), encoded by Chromium,
 *  written to `path`; `hue` makes different photos different bytes. */
export async function photoJpeg(page: Page, path: string, hue: number): Promise<string> {
  const b64 = await page.evaluate(async (hue) => {
    const c = document.createElement('canvas');
    c.width = 1200;
    c.height = 900;
    const g = c.getContext('2d')!;
    const grad = g.createLinearGradient(0, 0, c.width, c.height);
    grad.addColorStop(0, `hsl(${hue}, 70%, 45%)`);
    grad.addColorStop(1, `hsl(${(hue + 120) % 360}, 60%, 75%)`);
    g.fillStyle = grad;
    g.fillRect(0, 0, c.width, c.height);
    for (let i = 0; i < 400; i++) {
      g.fillStyle = `hsl(${Math.random() * 360}, 60%, ${30 + Math.random() * 50}%)`;
      g.fillRect(Math.random() * c.width, Math.random() * c.height, 10 + Math.random() * 80, 10 + Math.random() * 80);
    }
    const blob: Blob = await new Promise((ok) => c.toBlob((b) => ok(b!), 'image/jpeg', 0.9));
    const buf = new Uint8Array(await blob.arrayBuffer());
    let s = '';
    for (let i = 0; i < buf.length; i += 0x8000) s += String.fromCharCode(...buf.subarray(i, i + 0x8000));
    return btoa(s);
  }, hue);
  writeFileSync(path, Buffer.from(b64, 'base64'));
  return path;
}

/** Every value of an IndexedDB store of the app (outbox entries parsed from their JSON). */
export async function idbAll(page: Page, store: 'outbox' | 'drafts' | 'photos'): Promise<any[]> {
  return page.evaluate(
    (store) =>
      new Promise<any[]>((ok, fail) => {
        const r = indexedDB.open('chafang');
        r.onerror = () => fail(r.error);
        r.onsuccess = () => {
          const db = r.result;
          const q = db.transaction(store).objectStore(store).getAll();
          q.onerror = () => fail(q.error);
          q.onsuccess = () => {
            db.close();
            ok(q.result.map((v: any) => (typeof v === 'string' ? JSON.parse(v) : { id: v.id, sha256: v.sha256, size: v.bytes.byteLength })));
          };
        };
      }),
    store,
  );
}

export interface Unit {
  id: string;
  name: string;
  parent_id: string | null;
  position: { lat: number; lon: number } | null;
}

/** A top-level unit with a position, from the API (the page's cookies). */
export async function someUnit(page: Page, base: string): Promise<Unit> {
  const units: Unit[] = await (await page.request.get(`${base}/api/v1/units`)).json();
  const unit = units.find((u) => u.position && u.parent_id === null);
  expect(unit).toBeTruthy();
  return unit!;
}

/** Fills in a finding: criterion (the first of the set), description, severity, photos. */
export async function fillFinding(page: Page, index: number, description: string, photos: string[]) {
  const f = page.getByTestId('finding').nth(index);
  await f.getByLabel('评议内容').selectOption({ index: 1 });
  await f.getByLabel('问题描述').fill(description);
  await f.getByLabel('严重程度').selectOption('Serious');
  await f.getByTestId('photo-gallery').setInputFiles(photos);
  await expect(f.locator('img.thumb')).toHaveCount(photos.length, { timeout: 30_000 });
}

/** Chooses the unit, the mode and a method. */
export async function fillVisit(page: Page, unit: Unit) {
  await page.locator('#unit-search').fill(unit.name);
  await page.getByTestId('unit-picker').getByText(unit.name, { exact: true }).click();
  await expect(page.getByTestId('unit-chosen')).toContainText(unit.name);
  await page.getByTestId('mode').getByText('暗访').click();
  await page.getByTestId('methods').getByText('陪同办事').click();
}

/** A monitor's one-finding visit to `unit`, sent as the phone would. */
export async function report(api: APIRequestContext, unit: Unit, description: string) {
  const now = Date.now();
  const sent = await api.post('/api/v1/visits', {
    data: {
      id: uuidv7(),
      device_id: uuidv7(),
      device_seq: 1,
      supersedes: null,
      unit_id: unit.id,
      mode: 'open',
      methods: ['questionnaire'],
      started_at_device_ms: now - 20 * 60_000,
      ended_at_device_ms: now - 60_000,
      position: { kind: 'missing', reason: 'denied' },
      notes: '',
      no_problem_found: false,
      findings: [{ id: uuidv7(), criterion: 'efficiency', description, severity: 'minor', suggestion: '', photos: [] }],
    },
  });
  expect(sent.ok(), await sent.text()).toBe(true);
}
