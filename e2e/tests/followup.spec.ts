// The follow-up loop, end to end: a monitor's covert visit with one finding and a real photo
// (sent through the API as the phone's sync sends it) is reviewed by the office — the wording
// the unit reads is edited — and released from the inbox after the deliberate confirmation
// covert findings need; the unit head acknowledges it and answers 立行立改 with an evidence
// photo taken in the browser; the monitor sees that photo and rates the result; the office accepts it (销号); and
// the monitor sees it closed on the phone. Every page at phone size, every page accessible, and
// nothing on the unit's pages names the reporter.
import { Page, request } from '@playwright/test';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test, expect } from './server';
import { signIn, keepScreenshot, expectAccessible, uuidv7, switchUser } from './helpers';
import { Unit, idbAll, photoJpeg } from './visit-helpers';

/** Every image matched has loaded and decoded (a broken link has no natural width). */
async function expectImagesLoaded(page: Page, selector: string, count: number) {
  const imgs = page.locator(selector);
  await expect(imgs).toHaveCount(count);
  for (let i = 0; i < count; i++) {
    await expect.poll(() => imgs.nth(i).evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBeGreaterThan(0);
  }
}

/** Signs out (the cookie goes) and signs `username` in, waiting for their home page. */

test('a finding goes from the monitor to the office, the unit and back, and is closed', async ({ page, server }, testInfo) => {
  test.slow(); // a long flow through three roles: three times the usual timeout
  await page.goto(`${server.url}/login`);
  const findingPhoto = await photoJpeg(page, testInfo.outputPath('finding.jpg'), 20);
  const evidencePhoto = await photoJpeg(page, testInfo.outputPath('evidence.jpg'), 200);

  // monitor05 reports a covert visit to 区建设局 (headed by unit01), with one finding and its
  // photo: the visit first, then the photo's bytes under their hash.
  const phone = await request.newContext({ baseURL: server.url });
  const login = await phone.post('/api/v1/auth/login', { data: { username: 'monitor05', password: 'chafang-demo' } });
  expect(login.ok()).toBe(true);
  const monitorName: string = (await login.json()).display_name;
  const units: Unit[] = await (await phone.get('/api/v1/units')).json();
  const unit = units.find((u) => u.name === '区建设局')!;
  expect(unit).toBeTruthy();
  const bytes = readFileSync(findingPhoto);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const now = Date.now();
  const visit = {
    id: uuidv7(),
    device_id: uuidv7(),
    device_seq: 1,
    supersedes: null,
    unit_id: unit.id,
    mode: 'covert',
    methods: ['accompany_procedure'],
    started_at_device_ms: now - 30 * 60_000,
    ended_at_device_ms: now - 5 * 60_000,
    position: { kind: 'fix', lat: unit.position!.lat, lon: unit.position!.lon, accuracy_m: 15, at_device_ms: now - 20 * 60_000 },
    notes: '',
    no_problem_found: false,
    findings: [
      {
        id: uuidv7(),
        criterion: 'efficiency',
        description: '窗口人员玩手机，我排了二十分钟',
        severity: 'serious',
        suggestion: '加强窗口纪律',
        photos: [{ id: uuidv7(), sha256, bytes: bytes.length }],
      },
    ],
  };
  const sent = await phone.post('/api/v1/visits', { data: visit });
  expect(sent.ok(), await sent.text()).toBe(true);
  const put = await phone.put(`/api/v1/photos/${sha256}`, { data: bytes, headers: { 'Content-Type': 'image/jpeg' } });
  expect(put.ok(), await put.text()).toBe(true);
  expect((await put.json()).arrived).toBe(true);
  await phone.dispose();

  // The office finds it in the inbox, reached from its home page.
  await signIn(page, server.url, 'office');
  await expect(page.getByTestId('home-office')).toBeVisible();
  await page.getByTestId('link-office-findings').click();
  await expect(page).toHaveURL(`${server.url}/office/findings`);
  const row = page.getByTestId('case-row');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('区建设局');
  await expect(row).toContainText('暗访');
  await expect(row).toContainText(monitorName);
  await expect(row.getByTestId('case-state')).toHaveText('待审核');
  await expect(page.locator('[aria-busy=true]')).toHaveCount(0);
  await keepScreenshot(page, 'followup-office-inbox');
  await expectAccessible(page);

  // It opens the finding, sees the monitor's own words and photo, and edits the wording.
  await row.getByRole('link', { name: '区建设局' }).click();
  await expect(page.getByTestId('office-case')).toBeVisible();
  await expect(page.getByTestId('report')).toContainText('窗口人员玩手机，我排了二十分钟');
  await expect(page.getByTestId('report')).toContainText(monitorName);
  await expectImagesLoaded(page, '.picks img.thumb', 1);
  await expect(page.getByTestId('photo-chosen')).toBeChecked();
  const wording = '窗口工作人员在岗期间使用手机，办事群众等候约二十分钟。';
  await page.getByTestId('unit-text').fill(wording);
  await page.getByTestId('save-edit').click();
  await expect(page.getByTestId('saved')).toBeVisible();
  await expect(page.getByTestId('history')).toContainText('修改表述');
  await keepScreenshot(page, 'followup-office-review');
  await expectAccessible(page);

  // Back in the inbox it ticks the finding and releases it; being covert, it goes only after
  // the question is answered.
  await page.locator('.crumbs').getByRole('link', { name: '问题处理' }).click();
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(wording);
  await row.getByTestId('select-case').check();
  await expect(page.getByTestId('release-button')).toHaveText('发布所选（1）');
  await page.getByTestId('release-button').click();
  await expect(page.getByTestId('covert-confirm')).toContainText('含暗访问题，确认发布？');
  await keepScreenshot(page, 'followup-office-covert-confirm');
  await expectAccessible(page);
  await page.getByTestId('confirm-release').click();
  await expect(page.getByTestId('released')).toHaveText('已发布 1 条');
  await expect(row).toHaveCount(0);

  // The unit head sees it on the unit's home page, with its deadline and without the reporter.
  await switchUser(page, server.url, 'unit01');
  await expect(page.getByTestId('home-unit')).toBeVisible();
  const unitRow = page.getByTestId('unit-case-row');
  await expect(unitRow).toHaveCount(1);
  await expect(unitRow).toContainText(wording);
  await expect(unitRow.getByTestId('case-state')).toHaveText('待签收');
  await expect(unitRow.getByTestId('case-due')).toContainText('签收期限');
  await expect(page.locator('body')).not.toContainText(monitorName);
  await expect(page.locator('body')).not.toContainText('暗访');
  await keepScreenshot(page, 'followup-unit-home');
  await expectAccessible(page);

  // It acknowledges, then answers 立行立改 with a photo from the camera input.
  await unitRow.getByRole('link').click();
  await expect(page.getByTestId('unit-case')).toBeVisible();
  await expectImagesLoaded(page, '[data-testid=case-summary] img.thumb', 1);
  await page.getByTestId('acknowledge').click();
  await expect(page.getByTestId('case-state')).toHaveText('待答复');
  await expect(page.getByTestId('case-due')).toContainText('答复期限');
  const form = page.getByTestId('answer-form');
  await form.getByLabel('立行立改').check();
  await form.getByLabel('答复内容').fill('已对窗口人员进行批评教育，重申上班纪律，窗口已增设取号提醒。');
  await form.getByTestId('photo-camera').setInputFiles(evidencePhoto);
  await expect(form.locator('img.thumb')).toHaveCount(1, { timeout: 30_000 });
  await expect(page.locator('body')).not.toContainText(monitorName);
  await form.scrollIntoViewIfNeeded();
  await keepScreenshot(page, 'followup-unit-answer');
  await expectAccessible(page);
  await form.getByTestId('submit-answer').click();
  await expect(page.getByTestId('case-state')).toHaveText('已答复');
  const answers = page.getByTestId('answers');
  await expect(answers).toContainText('立行立改');
  await expectImagesLoaded(page, '[data-testid=answers] img.thumb', 1);
  // The evidence reached the server, and the browser let go of its copy.
  expect(await idbAll(page, 'photos')).toHaveLength(0);
  await answers.scrollIntoViewIfNeeded();
  await keepScreenshot(page, 'followup-unit-answered');
  await expectAccessible(page);

  // The monitor sees the answer on the phone and rates the result while it is under way.
  await switchUser(page, server.url, 'monitor05');
  await expect(page.getByTestId('home-monitor')).toBeVisible();
  await page.getByTestId('link-my-findings').click();
  const mine = page.getByTestId('my-finding');
  await expect(mine).toHaveCount(1);
  await expect(mine.getByTestId('case-state')).toHaveText('已答复');
  await expect(mine.getByTestId('answers')).toContainText('立行立改');
  // With the unit's evidence photo, as the unit and the office see it.
  await expectImagesLoaded(page, '[data-testid=my-finding] [data-testid=answers] img.thumb', 1);
  await mine.getByTestId('rate-satisfied').click();
  await expect(mine.getByTestId('my-rating')).toContainText('满意');
  await expect(mine.getByTestId('rate-satisfied')).toHaveAttribute('aria-pressed', 'true');
  await keepScreenshot(page, 'followup-monitor-answered');
  await expectAccessible(page);

  // The office accepts the answer: 立行立改 closes the finding.
  await switchUser(page, server.url, 'office');
  await expect(page.getByTestId('home-office')).toBeVisible();
  await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '问题处理' }).click();
  await page.getByTestId('state-filter').selectOption('answered');
  await expect(page).toHaveURL(`${server.url}/office/findings?state=answered`);
  await expect(row).toHaveCount(1);
  await row.getByRole('link', { name: '区建设局' }).click();
  await expect(page.getByTestId('case-rating')).toContainText('满意');
  await expect(page.getByTestId('answers')).toContainText('立行立改');
  await expectImagesLoaded(page, '[data-testid=answers] img.thumb', 1);
  await page.getByTestId('step-accept').click();
  await page.getByTestId('form-accept').getByLabel('说明（可选）').fill('整改到位，予以销号');
  await page.getByTestId('submit-accept').click();
  await expect(page.getByTestId('case-summary').getByTestId('case-state')).toHaveText('已销号');
  await expect(page.getByTestId('answer-verdict')).toHaveText('行评办已通过');
  await keepScreenshot(page, 'followup-office-closed');
  await expectAccessible(page);

  // The dashboard counts it closed and shows the audit chain's head.
  await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '整改统计' }).click();
  await expect(page.getByTestId('office-dashboard')).toBeVisible();
  await expect(page.getByTestId('count-closed').locator('dd')).toHaveText('1');
  // The head as a short fingerprint (issue 16): the hash's first 48 bits in decimal, in fives.
  const head: string = (await (await page.request.get(`${server.url}/api/v1/office/dashboard`)).json()).audit_head.hash;
  expect(head).toMatch(/^[0-9a-f]{64}$/);
  const digits = parseInt(head.slice(0, 12), 16).toString().padStart(15, '0');
  await expect(page.getByTestId('audit-fingerprint')).toHaveText(digits.match(/.{5}/g)!.join(' '));
  await keepScreenshot(page, 'followup-office-dashboard');
  await expectAccessible(page);
  // The office works at a desk: the same page on a wide screen.
  await page.setViewportSize({ width: 1280, height: 800 });
  await keepScreenshot(page, 'followup-office-dashboard-desktop');
  await page.setViewportSize({ width: 390, height: 844 });

  // On the phone the monitor sees the finding closed, every step of the way, and the rating.
  await switchUser(page, server.url, 'monitor05');
  await expect(page.getByTestId('home-monitor')).toBeVisible();
  await page.getByTestId('link-my-findings').click();
  await expect(mine.getByTestId('case-state')).toHaveText('已销号');
  const timeline = mine.getByTestId('timeline');
  await expect(timeline).toContainText('发布给单位');
  await expect(timeline).toContainText('单位签收');
  await expect(timeline).toContainText('单位答复');
  await expect(timeline).toContainText('行评办通过');
  await expect(mine.getByTestId('my-rating')).toContainText('满意');
  await expect(mine.getByTestId('rate-satisfied')).toHaveCount(0);
  await keepScreenshot(page, 'followup-monitor-closed');
  await expectAccessible(page);

  // And in English.
  await page.getByRole('button', { name: 'English' }).click();
  await expect(mine.getByTestId('case-state')).toHaveText('Closed');
  await expect(timeline).toContainText('Accepted by the office');
  await keepScreenshot(page, 'followup-monitor-closed-en');
});

/** A day `n` days from today in China Standard Time, as a date input takes it. */
function dayFromToday(n: number): string {
  return new Date(Date.now() + 8 * 3600_000 + n * 86_400_000).toISOString().slice(0, 10);
}

test('a plan with milestones, a returned completion report, a rejection and a look-back', async ({ page, server }) => {
  test.slow(); // a long flow through three roles: three times the usual timeout
  // monitor06 reports an open visit to 区建设局 with two findings, no photos.
  const phone = await request.newContext({ baseURL: server.url });
  expect((await phone.post('/api/v1/auth/login', { data: { username: 'monitor06', password: 'chafang-demo' } })).ok()).toBe(true);
  const units: Unit[] = await (await phone.get('/api/v1/units')).json();
  const unit = units.find((u) => u.name === '区建设局')!;
  const now = Date.now();
  const finding = (description: string) => ({ id: uuidv7(), criterion: 'openness', description, severity: 'minor', suggestion: '', photos: [] });
  const sent = await phone.post('/api/v1/visits', {
    data: {
      id: uuidv7(),
      device_id: uuidv7(),
      device_seq: 1,
      supersedes: null,
      unit_id: unit.id,
      mode: 'open',
      methods: ['questionnaire'],
      started_at_device_ms: now - 30 * 60_000,
      ended_at_device_ms: now - 5 * 60_000,
      position: { kind: 'missing', reason: 'denied' },
      notes: '',
      no_problem_found: false,
      findings: [finding('办事指南未公示收费标准'), finding('窗口人员态度生硬')],
    },
  });
  expect(sent.ok(), await sent.text()).toBe(true);
  await phone.dispose();

  // The office releases the first (an open visit's: no question asked) and rejects the second.
  await switchUser(page, server.url, 'office');
  await page.getByTestId('link-office-findings').click();
  const row = page.getByTestId('case-row');
  await expect(row).toHaveCount(2);
  const planRow = row.filter({ hasText: '办事指南未公示收费标准' });
  const caseId = await planRow.getAttribute('data-case');
  await planRow.getByRole('link').click();
  await page.getByTestId('step-release').click();
  await page.getByTestId('release-button').click();
  await expect(page.getByTestId('case-summary').getByTestId('case-state')).toHaveText('待签收');
  await expect(page.getByTestId('case-due')).toContainText('签收期限');
  await page.goBack();
  await row.filter({ hasText: '窗口人员态度生硬' }).getByRole('link').click();
  await page.getByTestId('step-reject').click();
  await page.getByTestId('submit-reject').click();
  await expect(page.getByTestId('form-reject')).toContainText('请填写内容');
  await page.getByTestId('form-reject').getByLabel('理由').fill('与本次查访的其他问题重复，不单独处理');
  await page.getByTestId('submit-reject').click();
  await expect(page.getByTestId('case-summary').getByTestId('case-state')).toHaveText('未采纳');
  await expect(page.getByTestId('step-reopen')).toBeVisible();

  // The unit head acknowledges and answers with a plan of two milestones.
  await switchUser(page, server.url, 'unit01');
  await page.goto(`${server.url}/unit/findings/${caseId}`);
  await page.getByTestId('acknowledge').click();
  const form = page.getByTestId('answer-form');
  await form.getByLabel('列出整改计划').check();
  await form.getByLabel('答复内容').fill('收费标准需经物价部门审核后统一公示，分两步完成。');
  await form.getByTestId('submit-answer').click();
  await expect(page.getByTestId('reply-problem')).toHaveText('请列出整改节点：日期不早于今天，并填写内容');
  const milestones = form.getByTestId('milestone');
  await milestones.nth(0).getByLabel('节点日期').fill(dayFromToday(7));
  await milestones.nth(0).getByLabel('节点内容').fill('报物价部门审核');
  await form.getByRole('button', { name: '添加节点' }).click();
  await milestones.nth(1).getByLabel('节点日期').fill(dayFromToday(21));
  await milestones.nth(1).getByLabel('节点内容').fill('制作公示牌并上墙');
  await form.scrollIntoViewIfNeeded();
  await keepScreenshot(page, 'followup-unit-plan');
  await expectAccessible(page);
  await form.getByTestId('submit-answer').click();
  await expect(page.getByTestId('case-state')).toHaveText('已答复');
  await expect(page.getByTestId('answers')).toContainText('制作公示牌并上墙');

  // The office accepts the plan (the finding moves on to rectification) and asks for a look-back.
  await switchUser(page, server.url, 'office');
  await page.goto(`${server.url}/office/findings/${caseId}`);
  await page.getByTestId('step-accept').click();
  await page.getByTestId('submit-accept').click();
  const state = page.getByTestId('case-summary').getByTestId('case-state');
  await expect(state).toHaveText('整改中');
  await expect(page.getByTestId('case-due')).toContainText(`承诺完成 ${dayFromToday(21)}`);
  await page.getByTestId('step-lookback').click();
  await page.getByTestId('form-lookback').getByLabel('说明').fill('公示牌上墙后请回头看');
  await page.getByTestId('submit-lookback').click();
  await expect(page.getByTestId('case-summary')).toContainText('已请监督员回头看');

  // The unit reports completion; the office returns it; the unit reports again; it is closed.
  for (const [report, verdict] of [
    ['公示牌已制作', 'return'],
    ['公示牌已上墙，附照片', 'accept'],
  ]) {
    await switchUser(page, server.url, 'unit01');
    await page.goto(`${server.url}/unit/findings/${caseId}`);
    const completion = page.getByTestId('completion-form');
    await completion.getByLabel('完成情况').fill(report);
    await completion.getByTestId('submit-completion').click();
    await expect(page.getByTestId('case-state')).toHaveText('已报完成');
    await switchUser(page, server.url, 'office');
    await page.goto(`${server.url}/office/findings/${caseId}`);
    await page.getByTestId(`step-${verdict}`).click();
    if (verdict === 'return') {
      await page.getByTestId('form-return').getByLabel('理由').fill('请附上墙后的照片');
      await page.getByTestId('submit-return').click();
      await expect(state).toHaveText('整改中');
      await expect(page.getByTestId('answers')).toContainText('行评办退回：请附上墙后的照片');
    } else {
      await page.getByTestId('submit-accept').click();
      await expect(state).toHaveText('已销号');
    }
  }

  // On the phone: the rejection with its reason, the closed finding, and the look-back to start.
  await switchUser(page, server.url, 'monitor06');
  // The look-back notice opens the finding itself, not the top of a list.
  await page.goto(`${server.url}/monitor/inbox`);
  await page.locator('.inbox li', { hasText: '请您回头看' }).locator('a').first().click();
  await expect(page).toHaveURL(new RegExp(`/monitor/findings#case-${caseId}$`));
  const wanted = page.locator(`#case-${caseId}`);
  await expect(wanted).toHaveClass(/wanted/);
  await expect(wanted).toBeInViewport();
  await page.goto(`${server.url}/monitor`);
  await page.getByTestId('link-my-findings').click();
  const mine = page.getByTestId('my-finding');
  await expect(mine).toHaveCount(2);
  const rejected = mine.filter({ hasText: '窗口人员态度生硬' });
  await expect(rejected.getByTestId('case-state')).toHaveText('未采纳');
  await expect(rejected).toContainText('与本次查访的其他问题重复，不单独处理');
  const closed = mine.filter({ hasText: '办事指南未公示收费标准' });
  await expect(closed.getByTestId('case-state')).toHaveText('已销号');
  await expect(closed.getByTestId('timeline')).toContainText('行评办退回');
  await expect(closed).toContainText('行评办请您回头看');
  await closed.scrollIntoViewIfNeeded();
  await keepScreenshot(page, 'followup-monitor-lookback');
  await expectAccessible(page);
  await closed.getByTestId('start-lookback').click();
  await expect(page.getByTestId('visit-form')).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('回头看');
  // The form says what the look-back is about: the problem as reported and the office's note.
  await expect(page.getByTestId('lookback-problem')).toHaveText('办事指南未公示收费标准');
  await expect(page.getByTestId('lookback-note')).toHaveText('公示牌上墙后请回头看');
  await keepScreenshot(page, 'followup-lookback-form');
  await expect(page.getByTestId('unit-chosen')).toContainText('区建设局');
  const drafts = await idbAll(page, 'drafts');
  expect(drafts.map((d) => d.lookback_for)).toEqual([caseId]);
});
