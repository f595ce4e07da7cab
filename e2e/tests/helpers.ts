// Shared steps: signing in through the form, the accessibility scan, screenshots kept as
// test artifacts under e2e/artifacts/.
import { Page, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEMO_PASSWORD } from './server';

export const ARTIFACTS = resolve(__dirname, '..', 'artifacts');

export async function signIn(page: Page, base: string, username: string, password = DEMO_PASSWORD) {
  await page.goto(`${base}/login`);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await page.locator('button[type=submit]').click();
}

/** Sign out whoever is signed in and sign in as `username`, waiting for their home page. */
export async function switchUser(page: Page, base: string, username: string) {
  await page.context().clearCookies();
  await signIn(page, base, username);
  await expect(page.locator('main[data-testid^=home-]')).toBeVisible();
}

/** Serious and critical axe-core violations on the current page, as readable lines. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact}: ${v.id} (${v.help}) at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Latin words in what the page shows, other than the few a Chinese user reads as they are. */
export async function englishWords(page: Page, scope = 'main'): Promise<string[]> {
  const text = await page.locator(scope).first().innerText();
  const allowed = /^(monitor\d+|unit\d+|office|PDF|Excel|xlsx|csv|CSV|GPS|SHA-256|ID|PWA|URL|https?|km|Webhook|webhook)$/;
  // A word runs on through digits and inner hyphens, so that "monitor05" and "SHA-256" are read
  // whole and meet the list above; it counts when it has three letters in a row.
  return (text.match(/[A-Za-z][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*/g) ?? [])
    .filter((w) => /[A-Za-z]{3}/.test(w) && !allowed.test(w));
}

export async function keepScreenshot(page: Page, name: string) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: false });
}

export async function expectAccessible(page: Page) {
  expect(await seriousViolations(page)).toEqual([]);
}

/** A UUIDv7: 48 bits of milliseconds, the version, then random bits. */
export function uuidv7(): string {
  const ms = Date.now().toString(16).padStart(12, '0');
  const r = crypto.randomUUID().replace(/-/g, '');
  const variant = ((parseInt(r[16], 16) & 0x3) | 0x8).toString(16);
  return `${ms.slice(0, 8)}-${ms.slice(8, 12)}-7${r.slice(13, 16)}-${variant}${r.slice(17, 20)}-${r.slice(20, 32)}`;
}
