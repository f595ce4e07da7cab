// Benchmarks run as Playwright tests so they share the server harness; they print figures
// and assert nothing about time (budgets live in BENCHMARKS.md, not in tests).
import { defineConfig } from '@playwright/test';
import base from '../playwright.config';

export default defineConfig({
  ...base,
  testDir: '.',
  testMatch: /.*\.bench\.ts/,
  timeout: 300_000,
});
