// The office connects a gateway: on /office/webhooks it adds an endpoint (a tiny HTTP server
// this test runs on 127.0.0.1) with a secret generated in the page and shown once; a real event
// follows — a monitor's visit whose finding the office releases — and the deliveries log shows
// it delivered; the gateway got it signed (the HMAC-SHA256 of the body recomputed here) and
// without anything that names or links the reporter. Deactivated, the endpoint stays listed and
// gets nothing more.
import { request } from '@playwright/test';
import { createHmac } from 'node:crypto';
import { createServer, IncomingHttpHeaders, Server as HttpServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { test, expect } from './server';
import { signIn, keepScreenshot, expectAccessible, uuidv7 } from './helpers';
import { Unit } from './visit-helpers';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A gateway that answers 200 to every POST and keeps what it got. */
async function gateway(): Promise<{ server: HttpServer; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as AddressInfo).port;
  return { server, url: `http://127.0.0.1:${port}/chafang-hook`, received };
}

test('the office adds a webhook and a released finding reaches the gateway signed, without the reporter', async ({ page, server }) => {
  test.slow(); // deliveries go out on the worker's 10-second tick
  const hook = await gateway();
  try {
    await signIn(page, server.url, 'office');
    await expect(page.locator('main[data-testid^=home-]')).toBeVisible();
    await page.goto(`${server.url}/office/webhooks`);
    await expect(page.getByTestId('no-webhooks')).toBeVisible();

    // A bad address and a short secret are refused in the page, before anything is sent.
    await page.getByLabel('推送地址（URL）').fill('ftp://example');
    await page.getByLabel('签名密钥').fill('short');
    await page.getByTestId('save-webhook').click();
    await expect(page.getByTestId('form-problem')).toHaveText('请填写以 http:// 或 https:// 开头的完整地址');
    await page.getByLabel('推送地址（URL）').fill(hook.url);
    await page.getByTestId('save-webhook').click();
    await expect(page.getByTestId('form-problem')).toHaveText('密钥须为 16 至 200 个字符');

    // A generated secret, saved: shown this once, then the form is empty again.
    await page.getByTestId('generate-secret').click();
    const secret = await page.getByLabel('签名密钥').inputValue();
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    await page.getByTestId('save-webhook').click();
    await expect(page.getByTestId('secret-once')).toHaveText(secret);
    await expect(page.getByLabel('签名密钥')).toHaveValue('');
    const endpoint = page.getByTestId('webhook');
    await expect(endpoint).toHaveCount(1);
    await expect(endpoint.getByTestId('webhook-url')).toHaveText(hook.url);
    await expect(endpoint.getByTestId('webhook-state')).toHaveText('启用中');
    await expect(endpoint).toContainText('发给单位的问题及公开事项');
    await keepScreenshot(page, 'office-webhooks-added');
    await expectAccessible(page);
    // The server never gives the secret back.
    const listed = await (await page.request.get(`${server.url}/api/v1/office/webhooks`)).text();
    expect(listed).not.toContain(secret);

    // A real event: monitor05 reports an open visit to 区建设局, and the office releases it.
    const phone = await request.newContext({ baseURL: server.url });
    const login = await phone.post('/api/v1/auth/login', { data: { username: 'monitor05', password: 'chafang-demo' } });
    expect(login.ok()).toBe(true);
    const me = await login.json();
    const units: Unit[] = await (await phone.get('/api/v1/units')).json();
    const unit = units.find((u) => u.name === '区建设局')!;
    const now = Date.now();
    const visit = {
      id: uuidv7(),
      device_id: uuidv7(),
      device_seq: 1,
      supersedes: null,
      unit_id: unit.id,
      mode: 'open',
      methods: ['consult_recipients'],
      started_at_device_ms: now - 30 * 60_000,
      ended_at_device_ms: now - 5 * 60_000,
      position: { kind: 'fix', lat: unit.position!.lat, lon: unit.position!.lon, accuracy_m: 12, at_device_ms: now - 20 * 60_000 },
      notes: '',
      no_problem_found: false,
      findings: [{ id: uuidv7(), criterion: 'efficiency', description: '窗口午休无人', severity: 'minor', suggestion: '', photos: [] }],
    };
    const sent = await phone.post('/api/v1/visits', { data: visit });
    expect(sent.status(), await sent.text()).toBe(201);
    await phone.dispose();
    const rows: any[] = await (await page.request.get(`${server.url}/api/v1/office/findings`)).json();
    let caseId = '';
    for (const row of rows) {
      const c = await (await page.request.get(`${server.url}/api/v1/office/findings/${row.id}`)).json();
      if (c.reports.some((r: any) => r.finding_id === visit.findings[0].id)) caseId = row.id;
    }
    expect(caseId).not.toBe('');
    const released = await page.request.post(`${server.url}/api/v1/office/releases`, {
      data: { cases: [caseId] },
      headers: { Origin: server.url },
    });
    expect(released.status(), await released.text()).toBe(200);

    // The gateway gets the release (the worker ticks every 10 seconds).
    await expect
      .poll(() => hook.received.map((r) => JSON.parse(r.body).kind), { timeout: 45_000 })
      .toContain('case.released');
    const got = hook.received.find((r) => JSON.parse(r.body).kind === 'case.released')!;
    const body = JSON.parse(got.body);
    expect(body.case).toBe(caseId);
    expect(body.unit).toBe(unit.id);
    // Intake (the visit, the case opened) never leaves the system.
    expect(hook.received.map((r) => JSON.parse(r.body).kind)).not.toContain('visit.submitted');
    expect(hook.received.map((r) => JSON.parse(r.body).kind)).not.toContain('case.opened');

    // Every request is signed with the secret: recompute the HMAC over the exact bytes.
    for (const r of hook.received) {
      const expected = 'sha256=' + createHmac('sha256', secret).update(r.body, 'utf8').digest('hex');
      expect(r.headers['x-chafang-signature']).toBe(expected);
      expect(r.headers['content-type']).toContain('application/json');
      // Nothing that names or links the reporter: no name, account, user, device, visit or
      // finding id, no position or device time.
      for (const leak of [
        me.display_name, 'monitor05', me.id, visit.id, visit.device_id, visit.findings[0].id,
        String(unit.position!.lat), String(visit.started_at_device_ms),
      ]) {
        expect(r.body, `${leak} in ${r.body}`).not.toContain(leak);
      }
      expect(Object.keys(JSON.parse(r.body)).every((k) => ['id', 'kind', 'case', 'unit', 'state', 'seen_on', 'seen_in'].includes(k))).toBe(true);
      expect(r.headers['x-chafang-seq']).toBeUndefined();
    }
    // A wrong secret would not verify: the check above can fail.
    expect('sha256=' + createHmac('sha256', secret + 'x').update(got.body).digest('hex')).not.toBe(got.headers['x-chafang-signature']);

    // The deliveries log shows it delivered, at the first attempt.
    const release = page.locator('[data-testid=delivery][data-kind="case.released"]');
    await expect
      .poll(async () => {
        await page.getByTestId('refresh-deliveries').click();
        return (await release.count()) > 0 ? await release.first().getAttribute('data-status') : null;
      }, { timeout: 30_000 })
      .toBe('delivered');
    await expect(release.getByTestId('delivery-status')).toHaveText('已送达');
    await expect(release).toContainText('尝试 1 次');
    await expect(release).toContainText('HTTP 2xx');
    await expect(release).toContainText(hook.url);
    await release.scrollIntoViewIfNeeded();
    await keepScreenshot(page, 'office-webhooks-deliveries');

    // Deactivated (after a confirmation): listed as such, and nothing more is queued for it.
    const before = hook.received.length;
    await endpoint.getByTestId('deactivate-webhook').click();
    await expect(endpoint.getByTestId('confirm-deactivate')).toBeVisible();
    await endpoint.getByTestId('confirm-deactivate-webhook').click();
    await expect(endpoint.getByTestId('webhook-state')).toHaveText('已停用');
    await expect(endpoint.getByTestId('deactivate-webhook')).toHaveCount(0);
    const reminder = await page.request.get(`${server.url}/api/v1/office/webhooks/deliveries`);
    const kinds: string[] = (await reminder.json()).map((d: any) => d.kind);
    expect(kinds).not.toContain('webhook.deactivated');
    await page.reload();
    await expect(page.getByTestId('webhook').getByTestId('webhook-state')).toHaveText('已停用');
    expect(hook.received.length).toBe(before);
    await keepScreenshot(page, 'office-webhooks-deactivated');
  } finally {
    await new Promise((ok) => hook.server.close(ok));
  }
});
