// Lighthouse's accessibility score (npm `lighthouse`, run against the system Chromium) for the
// four pages people spend their day on: the monitor's home, the visit form, the unit's finding
// page and the office's findings list, each signed in as its role at 390 × 844; and whether
// Chromium judges the PWA installable. Prints figures and the audits that lost points; the goal
// (≥ 95 each) lives in BENCHMARKS.md, not in an assertion.
import { chromium, request } from '@playwright/test';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { CHROMIUM } from '../tests/chromium';
import { test, expect } from '../tests/server';
import { signIn } from '../tests/helpers';
import { Unit, report } from '../tests/visit-helpers';

const run = promisify(execFile);
const LIGHTHOUSE = resolve(__dirname, '..', 'node_modules', '.bin', 'lighthouse');

async function freePort(): Promise<number> {
  return new Promise((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

type Audit = { score: number | null; title: string; scoreDisplayMode: string };

/** Lighthouse's accessibility category for `url` in the browser listening on `port` (its
 * storage kept, so the page opens signed in). */
async function accessibility(url: string, port: number): Promise<{ score: number; failed: string[]; landed: string }> {
  const { stdout } = await run(LIGHTHOUSE, [
    url, `--port=${port}`, '--only-categories=accessibility', '--output=json', '--output-path=stdout',
    '--disable-storage-reset', '--quiet', '--form-factor=mobile', '--screenEmulation.mobile',
    '--screenEmulation.width=390', '--screenEmulation.height=844', '--screenEmulation.deviceScaleFactor=3',
    '--throttling-method=provided', '--locale=zh-CN',
  ], { maxBuffer: 64 * 1024 * 1024 });
  const lhr = JSON.parse(stdout);
  const audits: Record<string, Audit> = lhr.audits;
  const failed = Object.entries(audits)
    .filter(([, a]) => a.scoreDisplayMode === 'binary' && a.score === 0)
    .map(([id]) => id);
  // Where the page ended up: a page that bounced to the sign-in form would score the form.
  const landed = new URL(lhr.finalDisplayedUrl).pathname;
  return { score: Math.round(lhr.categories.accessibility.score * 100), failed, landed };
}

test('Lighthouse accessibility of the four daily pages, and installability', async ({ server }) => {
  test.setTimeout(600_000);
  // A finding about 区建设局, released to it, so the unit's page has a case to show.
  const api = await request.newContext({ baseURL: server.url });
  const login = async (username: string) =>
    expect((await api.post('/api/v1/auth/login', { data: { username, password: 'chafang-demo' } })).ok()).toBe(true);
  await login('monitor05');
  const units: Unit[] = await (await api.get('/api/v1/units')).json();
  await report(api, units.find((u) => u.name === '区建设局')!, '窗口工作人员上班时间玩手机');
  expect((await api.post('/api/v1/auth/logout')).ok()).toBe(true);
  await login('office');
  const caseId: string = (await (await api.get('/api/v1/office/findings?state=submitted')).json())[0].id;
  expect((await api.post('/api/v1/office/releases', { data: { cases: [caseId], release_covert: false } })).ok()).toBe(true);
  await api.dispose();

  // A real profile (Lighthouse opens its own tab in the browser's default context, which is
  // the persistent one) with a debugging port Lighthouse connects to.
  const port = await freePort();
  const profile = mkdtempSync(join(tmpdir(), 'chafang-lighthouse-'));
  const context = await chromium.launchPersistentContext(profile, {
    ...CHROMIUM,
    args: [...CHROMIUM.args, `--remote-debugging-port=${port}`],
    viewport: { width: 390, height: 844 },
    locale: 'zh-CN',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const as = async (username: string) => {
    await context.clearCookies();
    await signIn(page, server.url, username);
    await expect(page.locator('main[data-testid^=home-]')).toBeVisible();
  };

  await page.goto(`${server.url}/login`);
  await page.evaluate(() => navigator.serviceWorker.ready);
  const cdp = await context.newCDPSession(page);
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');

  const lines: string[] = [];
  // `lands`: where the page settles (a new visit opens as its draft, /monitor/visits/<id>).
  const measure = async (what: string, path: string, lands: RegExp = new RegExp(`^${path}$`)) => {
    const { score, failed, landed } = await accessibility(`${server.url}${path}`, port);
    expect(landed, `${what} was shown, not another page`).toMatch(lands);
    lines.push(`${what} (${path}): accessibility ${score}${failed.length ? `; audits failed: ${failed.join(', ')}` : ''}`);
  };
  await as('monitor05');
  await measure("the monitor's home", '/monitor');
  await measure('the visit form', '/monitor/visits/new', /^\/monitor\/visits\/[0-9a-f-]{36}$/);
  await as('unit01');
  await measure("the unit's finding page", `/unit/findings/${caseId}`);
  await as('office');
  await measure("the office's findings list", '/office/findings');
  lines.push(`installable (Chromium's installability errors): ${installabilityErrors.length === 0 ? 'yes, none' : JSON.stringify(installabilityErrors)}`);

  await context.close();
  rmSync(profile, { recursive: true, force: true });
  console.log(`\n${lines.join('\n')}\n`);
});
