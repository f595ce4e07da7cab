// Playwright drives the system Chromium (never a downloaded browser) against the real server,
// which each test starts on a free port with a fresh SQLite database and the demo data.
import { defineConfig } from '@playwright/test';
import { CHROMIUM } from './tests/chromium';

export default defineConfig({
  testDir: './tests',
  // Two cores: one browser at a time keeps timings honest and the machine responsive.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  outputDir: './test-results',
  use: {
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 1,
    locale: 'zh-CN',
    launchOptions: CHROMIUM,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
