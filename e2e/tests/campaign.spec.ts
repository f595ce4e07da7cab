// The office runs the year (issue 5). The demo has this year's campaign open; the office opens
// the next one from the form, which starts from the domain's defaults (the source calendar,
// the focus alternating, the 8 and 7 criteria, the quotas and deadlines): a quota that breaks
// the rules is refused beside its field before anything is sent. The new year is edited (a
// stage's end, a deadline, a criterion's name) and the edit is there after a reload; then it
// is closed after a confirmation and shows read-only, frozen. This year's ledger lists every
// monitor, sorts by its column headers, sends a reminder to a monitor who is behind (who then
// has it), and shows the key units' coverage with the place never visited. At phone size.
import { APIRequestContext, Page, request } from '@playwright/test';
import { test, expect } from './server';
import { signIn, keepScreenshot, expectAccessible, uuidv7 } from './helpers';

type Unit = { id: string; parent_id: string | null; name: string; position: { lat: number; lon: number } | null };

/** Signs a monitor in through the API, as their phone would. */
async function monitorClient(base: string, username: string): Promise<APIRequestContext> {
  const client = await request.newContext({ baseURL: base });
  const login = await client.post('/api/v1/auth/login', { data: { username, password: 'chafang-demo' } });
  expect(login.ok()).toBe(true);
  return client;
}

/** One open visit to `unit`, today, with nothing found. */
async function visit(client: APIRequestContext, unit: Unit, seq: number) {
  const now = Date.now();
  const sent = await client.post('/api/v1/visits', {
    data: {
      id: uuidv7(),
      device_id: uuidv7(),
      device_seq: seq,
      supersedes: null,
      unit_id: unit.id,
      mode: 'open',
      methods: ['questionnaire'],
      started_at_device_ms: now - (20 + seq) * 60_000,
      ended_at_device_ms: now - seq * 60_000,
      position: { kind: 'fix', lat: unit.position!.lat, lon: unit.position!.lon, accuracy_m: 10, at_device_ms: now - 15 * 60_000 },
      notes: '',
      no_problem_found: true,
      findings: [],
    },
  });
  expect(sent.ok(), await sent.text()).toBe(true);
}

/** The monitors' names in the ledger's order. */
const names = (page: Page) => page.getByTestId('ledger-row').getByTestId('monitor-name').allTextContents();

test('the office opens, edits and closes a year, and works the quota ledger', async ({ page, server }) => {
  await signIn(page, server.url, 'office');
  await expect(page.getByTestId('home-office')).toBeVisible();
  // This year as the server counts it (China Standard Time): the demo's open year.
  const current = await page.request.get(`${server.url}/api/v1/campaigns/current`);
  expect(current.ok()).toBe(true);
  const thisYear: number = (await current.json()).year;
  const next = thisYear + 1;
  await page.getByTestId('link-office-campaigns').click();
  const years = page.getByTestId('campaign-year');
  await expect(years).toHaveCount(1);
  await expect(years.first()).toHaveAttribute('data-year', String(thisYear));
  await expect(years.first().getByTestId('year-state')).toHaveText('进行中');

  // The form proposes next year with the domain's defaults: the source calendar, the focus
  // turned from this year's, both criteria sets.
  const form = page.getByTestId('open-form');
  await expect(form.getByTestId('open-year')).toHaveValue(String(next));
  const stage = (kind: string) => form.getByTestId(`stage-${kind}`);
  await expect(stage('mobilisation').getByTestId('stage-start')).toHaveValue(`${next}-05-01`);
  await expect(stage('self_inspection').getByTestId('stage-start')).toHaveValue(`${next}-07-11`);
  await expect(stage('summary').getByTestId('stage-end')).toHaveValue(`${next}-11-25`);
  const thisFocus = (await (await page.request.get(`${server.url}/api/v1/office/campaigns/${thisYear}`)).json()).focus;
  const nextFocus = thisFocus === 'departments' ? 'industries' : 'departments';
  await expect(form.getByTestId(`focus-${nextFocus}`)).toBeChecked();
  await expect(form.getByTestId('criteria-0').getByTestId('criterion')).toHaveCount(8);
  await expect(form.getByTestId('criteria-1').getByTestId('criterion')).toHaveCount(7);
  await expect(form.getByTestId('quota').getByTestId('quota-year').first()).toHaveValue('6');
  await expect(form.getByTestId('ack-days')).toHaveValue('5');
  await expect(form.getByTestId('coverage-target')).toHaveValue('90');

  // Two key units from the directory.
  await form.locator('[data-testid=key-unit][data-name=区建设局]').check();
  await form.locator('[data-testid=key-unit][data-name=区科技局]').check();
  await expect(form.getByTestId('key-units')).toContainText('已选 2 个');

  // More visits in the self-inspection stage than in the year: refused beside the quotas.
  const selfCheck = form.getByTestId('quota').getByTestId('quota-self').first();
  await selfCheck.fill('7');
  await form.getByTestId('open-campaign').click();
  await expect(form.getByTestId('error-quota')).toHaveText('自查自纠阶段的次数不能多于全年次数');
  let listed = await (await page.request.get(`${server.url}/api/v1/office/campaigns`)).json();
  expect(listed).toHaveLength(1);
  await form.getByTestId('error-quota').scrollIntoViewIfNeeded();
  await keepScreenshot(page, 'campaign-form-error');
  await selfCheck.fill('0');
  await form.getByTestId('stages').scrollIntoViewIfNeeded();
  await keepScreenshot(page, 'campaign-form');
  await expectAccessible(page);

  // Opened: the year's page, open, with what the form held.
  await form.getByTestId('open-campaign').click();
  await expect(page).toHaveURL(new RegExp(`/office/campaigns/${next}$`));
  const editor = page.getByTestId('plan-form');
  await expect(page.getByRole('heading', { level: 1 })).toContainText(String(next));
  await expect(page.getByTestId('year-state')).toHaveText('进行中');
  await expect(editor.locator('[data-testid=key-unit]:checked')).toHaveCount(2);
  await expect(editor.getByTestId(`focus-${nextFocus}`)).toBeChecked();

  // Edited: the summary ends on 30 November, answers are due in 12 working days, the first
  // department criterion gets a new name. A stage ending before it starts is refused first.
  await editor.getByTestId('stage-summary').getByTestId('stage-end').fill(`${next}-11-10`);
  await editor.getByTestId('save-campaign').click();
  await expect(editor.getByTestId('error-stages')).toContainText('总结');
  await editor.getByTestId('stage-summary').getByTestId('stage-end').fill(`${next}-11-30`);
  await editor.getByTestId('answer-days').fill('12');
  await editor.getByTestId('criteria-0').locator('summary').click();
  const firstCriterion = editor.getByTestId('criteria-0').getByTestId('criterion-zh').first();
  await firstCriterion.fill('依法行政（含行政复议）');
  await firstCriterion.blur();
  await editor.getByTestId('save-campaign').click();
  await expect(editor.getByTestId('campaign-saved')).toBeVisible();
  await page.reload();
  await expect(editor.getByTestId('answer-days')).toHaveValue('12');
  await expect(editor.getByTestId('stage-summary').getByTestId('stage-end')).toHaveValue(`${next}-11-30`);
  await expect(editor.getByTestId('criteria-0').getByTestId('criterion-zh').first()).toHaveValue('依法行政（含行政复议）');

  // Closed after the confirmation: frozen and read-only.
  await page.getByTestId('close-year').click();
  await expect(page.getByTestId('close-confirm')).toBeVisible();
  await page.getByTestId('confirm-close').click();
  await expect(page.getByTestId('year-state')).toHaveText('已结束 · 已冻结');
  await expect(page.getByTestId('frozen')).toBeVisible();
  await expect(editor.getByTestId('answer-days')).toBeDisabled();
  await expect(page.getByTestId('save-campaign')).toHaveCount(0);
  await expect(page.getByTestId('close-year')).toHaveCount(0);
  const closed = await page.request.patch(`${server.url}/api/v1/office/campaigns/${next}`, { data: { deadlines: { ack_days: 3, answer_days: 3 } } });
  expect(closed.status()).toBe(409);

  // This year: 区建设局 under key appraisal; monitor03 visits its station twice, monitor07 once.
  const keyUnit = await page.request.get(`${server.url}/api/v1/units`);
  const units: Unit[] = await keyUnit.json();
  const bureau = units.find((u) => u.name === '区建设局')!;
  const station = units.find((u) => u.parent_id === bureau.id && u.name === '建设工程质量监督站')!;
  const edited = await page.request.patch(`${server.url}/api/v1/office/campaigns/${thisYear}`, { data: { key_units: [bureau.id] } });
  expect(edited.ok(), await edited.text()).toBe(true);
  const three = await monitorClient(server.url, 'monitor03');
  await visit(three, station, 1);
  await visit(three, station, 2);
  await three.dispose();
  const seven = await monitorClient(server.url, 'monitor07');
  await visit(seven, station, 1);
  await seven.dispose();

  // The ledger of this year: every monitor, those behind first.
  await page.goto(`${server.url}/office/ledger`);
  const rows = page.getByTestId('ledger-row');
  await expect(rows).toHaveCount(16);
  await expect(page.getByTestId('ledger-year')).toHaveValue(String(thisYear));
  const three03 = page.locator('[data-testid=ledger-row][data-username=monitor03]');
  await expect(three03.getByTestId('ledger-done')).toHaveText(/^2 \/ 6$/);
  await expect(three03.getByTestId('ledger-last')).not.toHaveText('尚无');

  // Sorted by name, both ways, in the order of the Chinese collation.
  await page.getByTestId('sort-name').click();
  await expect(page.getByTestId('sort-name').locator('..')).toHaveAttribute('aria-sort', 'ascending');
  const ascending = await names(page);
  expect(ascending).toEqual([...ascending].sort((a, b) => a.localeCompare(b, 'zh-CN')));
  await page.getByTestId('sort-name').click();
  await expect(page.getByTestId('sort-name').locator('..')).toHaveAttribute('aria-sort', 'descending');
  expect(await names(page)).toEqual([...ascending].reverse());
  // By visits done, most first on the second click.
  await page.getByTestId('sort-done').click();
  await expect(rows.first().getByTestId('ledger-done')).toHaveText(/^0 \//);
  await page.getByTestId('sort-done').click();
  await expect(rows.first()).toHaveAttribute('data-username', 'monitor03');
  await expect(rows.nth(1)).toHaveAttribute('data-username', 'monitor07');
  // By last visit: those never visited first.
  await page.getByTestId('sort-last').click();
  await expect(rows.first().getByTestId('ledger-last')).toHaveText('尚无');
  await expect(rows.last().getByTestId('ledger-last')).not.toHaveText('尚无');

  // A reminder to one monitor who is behind.
  await page.getByTestId('sort-state').click();
  const behind = page.locator('[data-testid=ledger-row][data-pace="badge pace behind"]');
  const target = behind.first();
  const targetUser = await target.getAttribute('data-username');
  const targetName = (await target.getByTestId('monitor-name').textContent())!;
  await target.getByTestId('select-monitor').check();
  await expect(page.getByTestId('send-reminders')).toHaveText('向选中的 1 位监督员发送催办');
  await page.getByTestId('send-reminders').click();
  await expect(page.getByTestId('reminders-sent')).toHaveText(`已向 1 位监督员发送催办：${targetName}`);
  const reminded = await monitorClient(server.url, targetUser!);
  const theirs = await (await reminded.get('/api/v1/monitor/reminders')).json();
  expect(theirs).toHaveLength(1);
  expect(theirs[0].state).toBe('behind');
  await reminded.dispose();

  // Coverage: one of the bureau's two places visited, against the 90 % target.
  const coverage = page.getByTestId('coverage');
  await expect(coverage.getByTestId('coverage-share')).toHaveText('已走访 50%');
  await expect(coverage.getByTestId('coverage-met')).toHaveText('未达标');
  await expect(coverage.getByTestId('never-visited')).toHaveText(['建设审批服务窗口']);

  // At phone width the table scrolls inside its card; the page itself does not.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  const wrap = page.getByTestId('ledger').locator('.table-wrap');
  expect(await wrap.evaluate((e) => e.scrollWidth > e.clientWidth)).toBe(true);
  await page.evaluate(() => document.getElementById('ledger-heading')!.scrollIntoView());
  await keepScreenshot(page, 'campaign-ledger');
  await expectAccessible(page);
  await coverage.scrollIntoViewIfNeeded();
  await keepScreenshot(page, 'campaign-coverage');

  // The closed year's ledger is frozen: no reminders.
  await page.getByTestId('ledger-year').selectOption(String(next));
  await expect(page.getByTestId('frozen')).toBeVisible();
  await expect(page.getByTestId('reminders')).toHaveCount(0);
  listed = await (await page.request.get(`${server.url}/api/v1/office/campaigns`)).json();
  expect(listed).toHaveLength(2);
});
