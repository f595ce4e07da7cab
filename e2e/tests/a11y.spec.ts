// Every page of every role, at phone size in zh-CN: no serious or critical axe-core violation,
// no English words in what the page shows,
// and on the pages people use on their phones (the monitor's, the unit's, signing in) every tap
// target at least 44 × 44 CSS pixels. The data behind the pages is real: a monitor's visit
// with a finding, released by the office to 区建设局, so the detail pages have something to show.
import { Page, request } from '@playwright/test';
import { test, expect } from './server';
import { seriousViolations, englishWords, switchUser } from './helpers';
import { Unit, report } from './visit-helpers';

const MIN_TAP = 44;

/** Visible tap targets smaller than 44 × 44, as readable lines. A checkbox or radio inside a
 * label is measured by its label (the label is what a finger hits); a link inside running text
 * is exempt, as WCAG 2.5.8 exempts it. */
async function smallTapTargets(page: Page): Promise<string[]> {
  return page.evaluate((min) => {
    const out: string[] = [];
    const targets = document.querySelectorAll<HTMLElement>(
      'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [role=tab], [role=link], [tabindex]:not([tabindex="-1"])',
    );
    for (const el of targets) {
      let box: HTMLElement = el;
      if (el instanceof HTMLInputElement && (el.type === 'checkbox' || el.type === 'radio' || el.type === 'file')) {
        const label = el.closest('label') ?? (el.id ? document.querySelector<HTMLElement>(`label[for="${el.id}"]`) : null);
        if (label) box = label;
      }
      const style = getComputedStyle(box);
      if (style.visibility === 'hidden' || style.display === 'none') continue;
      const r = box.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue; // not rendered (a hidden file input, a closed panel)
      if (el.tagName === 'A' && getComputedStyle(el).display === 'inline' && el.parentElement && el.parentElement.textContent!.trim().length > el.textContent!.trim().length + 20) continue;
      if (r.width < min || r.height < min) {
        const name = (el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 24) || el.tagName.toLowerCase();
        const id = el.dataset.testid ? `[data-testid=${el.dataset.testid}]` : el.id ? `#${el.id}` : '';
        out.push(`${el.tagName.toLowerCase()}${id} "${name}" ${Math.round(r.width)}×${Math.round(r.height)}`);
      }
    }
    return out;
  }, MIN_TAP);
}

type Check = { path: string; phone: boolean };

async function check(page: Page, label: string, phone: boolean, problems: string[]) {
  for (const v of await seriousViolations(page)) problems.push(`${label}: ${v}`);
  const english = await englishWords(page);
  if (english.length) problems.push(`${label}: English in the Chinese page: ${english.join(' ')}`);
  if (phone) for (const t of await smallTapTargets(page)) problems.push(`${label}: tap target ${t}`);
}

async function walk(page: Page, base: string, pages: Check[], problems: string[]) {
  for (const { path, phone } of pages) {
    await page.goto(`${base}${path}`);
    await page.locator('main').first().waitFor();
    // Let the page's data arrive: no request in flight for a moment.
    await page.waitForLoadState('networkidle');
    await check(page, path, phone, problems);
  }
}

test('every page is accessible and every phone tap target is at least 44 px', async ({ page, server }) => {
  test.setTimeout(300_000);
  await page.setViewportSize({ width: 390, height: 844 });

  // A finding about 区建设局, released to it.
  const api = await request.newContext({ baseURL: server.url });
  const login = async (username: string) =>
    expect((await api.post('/api/v1/auth/login', { data: { username, password: 'chafang-demo' } })).ok()).toBe(true);
  await login('monitor05');
  const units: Unit[] = await (await api.get('/api/v1/units')).json();
  const unit = units.find((u) => u.name === '区建设局')!;
  await report(api, unit, '窗口工作人员上班时间玩手机');
  expect((await api.post('/api/v1/auth/logout')).ok()).toBe(true);
  await login('office');
  const inbox: { id: string }[] = await (await api.get('/api/v1/office/findings?state=submitted')).json();
  const caseId = inbox[0].id;
  const released = await api.post('/api/v1/office/releases', { data: { cases: [caseId], release_covert: false } });
  expect(released.ok(), await released.text()).toBe(true);
  const monitors: { id: string }[] = await (await api.get('/api/v1/office/monitors')).json();
  const year = new Date().getFullYear();
  await api.dispose();

  const problems: string[] = [];
  await walk(page, server.url, [
    { path: '/login', phone: true },
    { path: '/enrol', phone: true },
    { path: '/hand-in', phone: true },
  ], problems);

  await switchUser(page, server.url, 'monitor05');
  await walk(page, server.url, [
    { path: '/monitor', phone: true },
    { path: '/monitor/visits', phone: true },
    { path: '/monitor/findings', phone: true },
    { path: '/monitor/inbox', phone: true },
    { path: '/monitor/visits/new', phone: true },
  ], problems);

  await switchUser(page, server.url, 'unit01');
  await walk(page, server.url, [
    { path: '/unit', phone: true },
    { path: '/unit/inbox', phone: true },
    { path: '/unit/findings', phone: true },
    { path: '/unit/team', phone: true },
    { path: '/unit/register', phone: true },
    { path: '/unit/reports', phone: true },
    { path: '/unit/documents', phone: true },
    { path: '/unit/commitments', phone: true },
  ], problems);
  await page.goto(`${server.url}/unit/findings`);
  await page.locator('a[href^="/unit/findings/"]').first().click();
  await page.waitForLoadState('networkidle');
  await check(page, '/unit/findings/:id', true, problems);

  await switchUser(page, server.url, 'office');
  await walk(page, server.url, [
    '/office', '/office/visits', '/office/attention', '/office/findings', `/office/findings/${caseId}`,
    '/office/dashboard', '/office/inbox', '/office/roster', `/office/roster/${monitors[0].id}`, '/office/units',
    '/office/campaigns', `/office/campaigns/${year}`, '/office/ledger', '/office/register', '/office/commitments',
    '/office/webhooks', '/office/reports', '/office/documents', '/office/scoring', '/office/map',
  ].map((path) => ({ path, phone: false })), problems);

  expect(problems).toEqual([]);
});
