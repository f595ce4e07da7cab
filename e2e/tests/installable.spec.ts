// The PWA is installable: a valid manifest with real icons, an active service worker that
// controls the page, and no installability errors as Chromium itself judges them.
import { chromium } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM } from './chromium';
import { test, expect } from './server';

test('manifest, icons and service worker make the app installable', async ({ page, server }) => {
  await page.goto(`${server.url}/login`);
  await page.evaluate(() => navigator.serviceWorker.ready);

  const res = await page.request.get(`${server.url}/manifest.webmanifest`);
  expect(res.ok()).toBeTruthy();
  const manifest = await res.json();
  expect(manifest.name).toContain('查访');
  expect(manifest.start_url).toBe('/');
  expect(manifest.display).toBe('standalone');
  const sizes = manifest.icons.map((i: { sizes: string }) => i.sizes);
  expect(sizes).toEqual(expect.arrayContaining(['192x192', '512x512']));
  for (const icon of manifest.icons) {
    const img = await page.request.get(new URL(icon.src, server.url).toString());
    expect(img.ok(), icon.src).toBeTruthy();
    const bytes = await img.body();
    expect(bytes.subarray(1, 4).toString(), `${icon.src} is a PNG`).toBe('PNG');
    // PNG IHDR: width and height are big-endian at bytes 16..24.
    const [w, h] = [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
    expect(`${w}x${h}`).toBe(icon.sizes);
  }

  // The service worker is served fresh, never from a long-lived cache.
  const sw = await page.request.get(`${server.url}/sw.js`);
  expect(sw.headers()['cache-control']).toBe('no-cache');

  // Chromium refuses to install from an incognito profile, which is what a Playwright
  // context is: ask a real (persistent) profile instead.
  const profile = mkdtempSync(join(tmpdir(), 'chafang-profile-'));
  const context = await chromium.launchPersistentContext(profile, { ...CHROMIUM, viewport: { width: 390, height: 844 } });
  const installing = context.pages()[0] ?? (await context.newPage());
  await installing.goto(`${server.url}/login`);
  await installing.evaluate(() => navigator.serviceWorker.ready);
  const cdp = await context.newCDPSession(installing);
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  expect(installabilityErrors).toEqual([]);
  const { url, errors } = await cdp.send('Page.getAppManifest');
  expect(url).toBe(`${server.url}/manifest.webmanifest`);
  expect(errors).toEqual([]);
  await context.close();
  rmSync(profile, { recursive: true, force: true });
});
