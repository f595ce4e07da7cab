// The PWA's size and load-time figures: release wasm size (raw, gzip, brotli), the first
// load's transfer size over the wire, and time from navigation to an interactive login form,
// online and offline (served by the service worker), side by side in one run.
import { test } from '../tests/server';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PWA_DIR } from '../tests/server';

const RUNS = 7;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

test('PWA size and load time', async ({ browser, server }) => {
  const files = readdirSync(PWA_DIR);
  // The field bundle (what a phone loads); the staff bundle's files are named `chafang-staff-…`.
  const wasm = files.find((f) => /^chafang-[0-9a-f]{16}_bg\.wasm$/.test(f))!;
  const staffWasm = files.find((f) => /^chafang-staff-[0-9a-f]{16}_bg\.wasm$/.test(f))!;
  const staffBr = statSync(join(PWA_DIR, `${staffWasm}.br`)).size;
  const raw = statSync(join(PWA_DIR, wasm)).size;
  const gz = gzipSync(readFileSync(join(PWA_DIR, wasm)), { level: 9 }).length;
  const brFile = join(PWA_DIR, `${wasm}.br`);
  const br = statSync(brFile).size;
  const shell = files.filter((f) => /\.(js|wasm|css|html|webmanifest)$/.test(f) && !f.startsWith('chafang-staff-') && f !== 'staff.html');
  const shellBr = shell.reduce((sum, f) => sum + (files.includes(`${f}.br`) ? statSync(join(PWA_DIR, `${f}.br`)).size : statSync(join(PWA_DIR, f)).size), 0);

  // First load in a fresh profile: every byte the page pulls over the wire (CDP's
  // encodedDataLength counts headers and compressed bodies).
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  let transfer = 0;
  const requests: string[] = [];
  cdp.on('Network.loadingFinished', (e) => (transfer += e.encodedDataLength));
  // Everything over the wire in this profile, the service worker's precache included
  // (Playwright reports service worker requests on the context).
  let everything = 0;
  let swRequests = 0;
  const counted: Promise<void>[] = [];
  context.on('requestfinished', (req) => {
    if (req.serviceWorker()) swRequests++;
    counted.push(req.sizes().then((s) => void (everything += s.responseBodySize + s.responseHeadersSize)));
  });
  cdp.on('Network.requestWillBeSent', (e) => requests.push(e.request.url.replace(server.url, '')));
  await page.goto(`${server.url}/login`);
  await page.locator('#username').waitFor();
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForLoadState('networkidle');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: false });
  // Later navigations would add to these counters: keep the first load's figures.
  await Promise.all(counted);
  const firstLoad = transfer;
  const firstEverything = everything;
  const firstSwRequests = swRequests;
  const firstRequests = [...requests];

  const interactive = async () => {
    const t0 = Date.now();
    await page.goto(`${server.url}/login`);
    await page.locator('#username:enabled').waitFor();
    return Date.now() - t0;
  };
  const online: number[] = [];
  for (let i = 0; i < RUNS; i++) online.push(await interactive());
  await server.stop();
  const offline: number[] = [];
  for (let i = 0; i < RUNS; i++) offline.push(await interactive());
  await context.close();

  const lines = [
    `release wasm ${wasm}: raw ${kb(raw)}, gzip -9 ${kb(gz)}, brotli ${kb(br)}`,
    `staff bundle wasm ${staffWasm} (loaded for /office and /unit only): brotli ${kb(staffBr)}`,
    `app shell (html+js+wasm+css+manifest) as served (brotli): ${kb(shellBr)}`,
    `first-load transfer over the wire (${firstRequests.length} requests: ${firstRequests.join(", ")}): ${kb(firstLoad)} (budget 400 KB)`,
    `first visit in all, service worker precache included (${firstSwRequests} requests by the worker): ${kb(firstEverything)}`,
    `navigation → interactive login form, median of ${RUNS}: online ${median(online)} ms, offline from the service worker ${median(offline)} ms (ratio ${(median(offline) / median(online)).toFixed(2)})`,
  ];
  console.log(`\n${lines.join('\n')}\n`);
});
