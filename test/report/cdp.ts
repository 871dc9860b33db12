/**
 * Headless Chromium (Debian's /usr/bin/chromium, or $CHROMIUM) driven over the Chrome DevTools
 * protocol through --remote-debugging-pipe (JSON messages separated by NUL on file descriptors 3
 * and 4): no WebSocket client and no npm package needed. One page per browser; console errors,
 * uncaught exceptions, log errors and every request the page makes are recorded.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

/** The Chromium binary, or null with the reason. */
export function findChromium(): { path: string | null; why: string } {
  const path = process.env.CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(path)) return { path: null, why: `no Chromium at ${path} (apt-get install -y chromium, or set CHROMIUM)` };
  const r = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 20000 });
  if (r.status !== 0) return { path: null, why: `${path} --version failed: ${(r.stderr || String(r.error)).trim().split('\n')[0]}` };
  return { path, why: r.stdout.trim() };
}

export interface PageEvents {
  consoleErrors: string[];
  exceptions: string[];
  requests: string[];
}

export class Browser {
  private proc: ChildProcess;
  private out: Writable;
  private nextId = 1;
  private pending = new Map<number, { resolve(v: any): void; reject(e: Error): void }>();
  private listeners: ((m: any) => void)[] = [];
  private profile: string;
  sessionId = '';
  events: PageEvents = { consoleErrors: [], exceptions: [], requests: [] };

  private constructor(path: string, width: number, height: number) {
    this.profile = mkdtempSync(join(tmpdir(), 'jamfit-chromium-'));
    this.proc = spawn(
      path,
      [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--disable-default-apps', '--disable-extensions', '--mute-audio',
        '--hide-scrollbars', `--window-size=${width},${height}`, `--user-data-dir=${this.profile}`, '--remote-debugging-pipe', 'about:blank',
      ],
      { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] },
    );
    this.out = this.proc.stdio[3] as Writable;
    const input = this.proc.stdio[4] as Readable;
    let buf = '';
    input.setEncoding('utf8');
    input.on('data', (chunk: string) => {
      buf += chunk;
      let k: number;
      while ((k = buf.indexOf('\0')) >= 0) {
        const msg = JSON.parse(buf.slice(0, k));
        buf = buf.slice(k + 1);
        if (msg.id !== undefined && this.pending.has(msg.id)) {
          const p = this.pending.get(msg.id)!;
          this.pending.delete(msg.id);
          if (msg.error) p.reject(new Error(`CDP ${msg.error.message}`));
          else p.resolve(msg.result);
        } else this.listeners.forEach((l) => l(msg));
      }
    });
    this.proc.on('exit', () => {
      for (const p of this.pending.values()) p.reject(new Error('Chromium exited'));
      this.pending.clear();
    });
  }

  /** Starts Chromium and opens one page, recording its console errors, exceptions and requests. */
  static async launch(path: string, width = 1280, height = 900): Promise<Browser> {
    const b = new Browser(path, width, height);
    const { targetId } = await b.send('Target.createTarget', { url: 'about:blank' });
    b.sessionId = (await b.send('Target.attachToTarget', { targetId, flatten: true })).sessionId;
    b.listeners.push((m) => {
      if (m.sessionId !== b.sessionId) return;
      if (m.method === 'Runtime.consoleAPICalled' && (m.params.type === 'error' || m.params.type === 'assert')) b.events.consoleErrors.push(m.params.args.map((a: any) => a.value ?? a.description).join(' '));
      if (m.method === 'Runtime.exceptionThrown') b.events.exceptions.push(m.params.exceptionDetails.exception?.description ?? m.params.exceptionDetails.text);
      if (m.method === 'Log.entryAdded' && m.params.entry.level === 'error') b.events.consoleErrors.push(`${m.params.entry.source}: ${m.params.entry.text}`);
      if (m.method === 'Network.requestWillBeSent') b.events.requests.push(m.params.request.url);
    });
    for (const d of ['Page', 'Runtime', 'Log', 'Network']) await b.page(`${d}.enable`);
    return b;
  }

  send(method: string, params: object = {}, sessionId?: string): Promise<any> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.out.write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + '\0');
    });
  }

  /** A command to the page's session. */
  page(method: string, params: object = {}): Promise<any> {
    return this.send(method, params, this.sessionId);
  }

  /** Navigates and waits for the load event. */
  async goto(url: string): Promise<void> {
    const loaded = new Promise<void>((resolve) => {
      const l = (m: any) => {
        if (m.sessionId === this.sessionId && m.method === 'Page.loadEventFired') {
          this.listeners = this.listeners.filter((x) => x !== l);
          resolve();
        }
      };
      this.listeners.push(l);
    });
    await this.page('Page.navigate', { url });
    await loaded;
  }

  /** Evaluates an expression in the page (awaiting a promise) and returns its value. */
  async eval<T = unknown>(expression: string): Promise<T> {
    const r = await this.page('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true });
    if (r.exceptionDetails) throw new Error(`page: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
    return r.result.value as T;
  }

  /** A PNG of the page: the viewport, or the first `height` px of the full page. */
  async screenshot(height?: number): Promise<Buffer> {
    const size = await this.eval<{ w: number; h: number }>('({ w: document.documentElement.scrollWidth, h: document.documentElement.scrollHeight })');
    const clip = height ? { x: 0, y: 0, width: size.w, height: Math.min(height, size.h), scale: 1 } : undefined;
    const r = await this.page('Page.captureScreenshot', { format: 'png', ...(clip ? { clip, captureBeyondViewport: true } : {}) });
    return Buffer.from(r.data, 'base64');
  }

  async close(): Promise<void> {
    try {
      await Promise.race([this.send('Browser.close'), new Promise((r) => setTimeout(r, 3000))]);
    } catch {
      // already gone
    }
    // Chromium's helper processes may still be writing the profile after Browser.close returns;
    // wait for the main process to exit, then retry the removal (CI once hit ENOTEMPTY here).
    const exited = this.proc.exitCode !== null || this.proc.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((r) => this.proc.once('exit', () => r()));
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      this.proc.kill('SIGKILL');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    }
    try {
      rmSync(this.profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    } catch {
      // a leftover temporary profile is harmless; a failed clean-up must not fail the tests
    }
  }
}
