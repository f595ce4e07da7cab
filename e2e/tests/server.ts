// Starts the real `chafang` server for one test: a fresh data directory, port 0 (the server
// prints the address it got), the demo data, the built PWA. It stops when the test ends, and
// by itself if this process dies (it watches its standard input).
import { test as base } from '@playwright/test';
import { spawn, ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..', '..');
export const BIN = process.env.CHAFANG_BIN ?? join(root, 'target', 'debug', 'chafang');
export const PWA_DIR = process.env.CHAFANG_PWA_DIR ?? join(root, 'target', 'pwa-dist');
export const DEMO_PASSWORD = 'chafang-demo';

export class Server {
  url = '';
  private child?: ChildProcess;
  private dataDir = mkdtempSync(join(tmpdir(), 'chafang-e2e-'));
  private port = 0;

  /** `env` adds to the server's environment (`CHAFANG_CLOCK` sets the day it believes it is). */
  constructor(private env: Record<string, string> = {}) {}

  async start(): Promise<void> {
    // The first start takes any free port; a restart reuses it, so the page's origin (and its
    // service worker and storage) stays the same.
    const child = spawn(
      BIN,
      ['--data-dir', this.dataDir, 'serve', '--listen', `127.0.0.1:${this.port}`, '--demo', '--pwa-dir', PWA_DIR, '--stop-on-stdin-eof',
        // The webhook spec's gateway listens on this machine, as a district's might on its LAN.
        '--webhook-allow-hosts', '127.0.0.1'],
      { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, CHAFANG_LOG: 'warn', ...this.env } },
    );
    this.child = child;
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    this.url = await new Promise<string>((ok, fail) => {
      let out = '';
      child.stdout!.on('data', (d) => {
        out += d;
        const m = out.match(/listening on (http:\/\/[\d.:]+)/);
        if (m) ok(m[1]);
      });
      child.on('exit', (code) => fail(new Error(`chafang exited with ${code}: ${stderr}`)));
    });
    this.port = Number(new URL(this.url).port);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((ok) => child.on('exit', ok));
    child.stdin!.end();
    await exited;
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

export const test = base.extend<{ server: Server }>({
  server: async ({}, use) => {
    const server = new Server();
    await server.start();
    await use(server);
    await server.dispose();
  },
});

export { expect } from '@playwright/test';
