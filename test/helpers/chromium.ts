/**
 * Headless Chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe: commands
 * go in on fd 3, replies come out on fd 4, each a JSON message ended by a NUL byte). Enough to open a
 * page, wait for it to settle, evaluate expressions and take PNG screenshots of elements.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Readable, Writable } from 'stream';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

type Pending = { resolve: (v: any) => void; reject: (e: Error) => void; method: string };

export class Browser {
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private listeners: Array<(message: any) => void> = [];
  private buffer = '';
  readonly exceptions: string[] = [];

  private constructor(
    private readonly child: ChildProcess,
    private readonly userDataDir: string,
    private readonly stderr: string[],
  ) {
    const output = child.stdio[4] as Readable;
    output.setEncoding('utf8');
    output.on('data', (chunk: string) => {
      this.buffer += chunk;
      let end: number;
      while ((end = this.buffer.indexOf('\0')) >= 0) {
        const message = JSON.parse(this.buffer.slice(0, end));
        this.buffer = this.buffer.slice(end + 1);
        this.dispatch(message);
      }
    });
    child.on('exit', (code) => {
      for (const { reject, method } of this.pending.values()) {
        reject(new Error(`Chromium exited (${code}) during ${method}: ${this.stderr.join('').slice(-2000)}`));
      }
      this.pending.clear();
    });
  }

  static async launch(width = 1280, height = 900): Promise<Browser> {
    const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'workbook-chromium-'));
    const child = spawn(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
        '--allow-file-access-from-files',
        `--user-data-dir=${userDataDir}`,
        `--window-size=${width},${height}`,
        '--remote-debugging-pipe',
        'about:blank',
      ],
      { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
    );
    const stderr: string[] = [];
    child.stderr!.on('data', (d) => stderr.push(String(d)));
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', (e) => reject(new Error(`Cannot start ${CHROMIUM}: ${e.message}`)));
    });
    return new Browser(child, userDataDir, stderr);
  }

  private dispatch(message: any): void {
    if (message.id !== undefined) {
      const waiting = this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id);
      if (message.error) waiting.reject(new Error(`${waiting.method}: ${message.error.message}`));
      else waiting.resolve(message.result);
      return;
    }
    if (message.method === 'Runtime.exceptionThrown') {
      const details = message.params.exceptionDetails;
      this.exceptions.push(details.exception?.description ?? details.text);
    }
    for (const listener of this.listeners) listener(message);
  }

  send(method: string, params: object = {}, sessionId?: string): Promise<any> {
    const id = this.nextId++;
    const message = JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) });
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      (this.child.stdio[3] as Writable).write(message + '\0');
    });
  }

  waitFor(method: string, sessionId: string, timeoutMs: number): Promise<any> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners = this.listeners.filter((l) => l !== listener);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${method}`));
      }, timeoutMs);
      const listener = (message: any) => {
        if (message.method === method && message.sessionId === sessionId) {
          clearTimeout(timer);
          this.listeners = this.listeners.filter((l) => l !== listener);
          resolve(message.params);
        }
      };
      this.listeners.push(listener);
    });
  }

  /** Opens `url` in a new tab and waits for its load event. */
  async open(url: string, width = 1280, height = 900, timeoutMs = 60_000): Promise<Page> {
    const { targetId } = await this.send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await this.send('Target.attachToTarget', { targetId, flatten: true });
    await this.send('Page.enable', {}, sessionId);
    await this.send('Runtime.enable', {}, sessionId);
    await this.send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: false }, sessionId);
    const loaded = this.waitFor('Page.loadEventFired', sessionId, timeoutMs);
    const navigation = await this.send('Page.navigate', { url }, sessionId);
    if (navigation.errorText) throw new Error(`cannot open ${url}: ${navigation.errorText}`);
    await loaded;
    return new Page(this, sessionId);
  }

  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.send('Browser.close').catch(() => undefined);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    fs.rmSync(this.userDataDir, { recursive: true, force: true });
  }
}

export class Page {
  constructor(
    private readonly browser: Browser,
    private readonly sessionId: string,
  ) {}

  /** The value of a JavaScript expression in the page (JSON-serialisable results only). */
  async evaluate<T>(expression: string): Promise<T> {
    const { result, exceptionDetails } = await this.browser.send(
      'Runtime.evaluate',
      { expression, returnByValue: true, awaitPromise: true },
      this.sessionId,
    );
    if (exceptionDetails) throw new Error(`evaluating ${expression}: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
    return result.value as T;
  }

  /** Polls `expression` until it is truthy; returns its last value either way. */
  async waitUntil<T>(expression: string, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let value = await this.evaluate<T>(expression);
    while (!value && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      value = await this.evaluate<T>(expression);
    }
    return value;
  }

  /**
   * A PNG of the `index`th element matching `selector`, with a margin, as the viewport shows it:
   * scrolled to the middle of the view first, so that elements inside a scrolling container (the
   * classic Notebook's page) are captured too, clear of fixed headers. The element must fit the view.
   */
  async screenshotElement(file: string, selector: string, index = 0, margin = 8): Promise<void> {
    const box = await this.evaluate<{ x: number; y: number; width: number; height: number }>(`(() => {
      const element = document.querySelectorAll(${JSON.stringify(selector)})[${index}];
      element.scrollIntoView({ block: 'center' });
      const r = element.getBoundingClientRect();
      return { x: r.left, y: r.top, width: r.width, height: r.height };
    })()`);
    const clip = {
      x: Math.max(0, box.x - margin),
      y: Math.max(0, box.y - margin),
      width: Math.ceil(box.width + 2 * margin),
      height: Math.ceil(box.height + 2 * margin),
      scale: 1,
    };
    const { data } = await this.browser.send('Page.captureScreenshot', { format: 'png', clip }, this.sessionId);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, Buffer.from(data, 'base64'));
  }

  /** Closes the tab. */
  async close(): Promise<void> {
    const { targetInfo } = await this.browser.send('Target.getTargetInfo', {}, this.sessionId);
    await this.browser.send('Target.closeTarget', { targetId: targetInfo.targetId });
  }

  /** A PNG of the page region `clip` (CSS pixels, page coordinates), below the fold too. */
  async screenshot(file: string, clip: { x: number; y: number; width: number; height: number }): Promise<void> {
    const { data } = await this.browser.send(
      'Page.captureScreenshot',
      { format: 'png', clip: { ...clip, scale: 1 }, captureBeyondViewport: true },
      this.sessionId,
    );
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, Buffer.from(data, 'base64'));
  }
}
