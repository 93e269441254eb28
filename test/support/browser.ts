/**
 * Headless Chromium for browser tests: the apt-installed browser (docs/architecture.md "Decisions and
 * measurements") driven by
 * playwright-core, plus a page "guard" that proves a page stays on the machine (every request to
 * another origin is blocked and recorded) and logs no console errors.
 *
 *   const why = browserUnavailableReason();          // undefined when a browser exists
 *   describe.skipIf(why)('...', () => { ... });
 *   const browser = await launchChromium();
 *   const guarded = await guardPage(browser, { allowedOrigins: [rt.baseUrl] });
 *   await guarded.page.goto(url); await saveScreenshot(guarded.page, 'consent');
 *   expect(guarded.externalRequests).toEqual([]); expect(guarded.consoleErrors()).toEqual([]);
 *   await guarded.reset([/status of 410/]);          // next test, same page (fast), 410 expected
 */
import { accessSync, constants, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';

export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Flags for a quiet, offline-friendly headless run: no sandbox (CI containers run as root), no GPU,
 * and none of Chromium's own background traffic (component updates, sync, QUIC probes) that would
 * otherwise show up as "external requests" or slow the launch.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'test-output', 'screenshots');

export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH || DEFAULT_CHROMIUM_PATH;
}

/** Why browser tests cannot run here, or undefined when an executable Chromium exists. */
export function browserUnavailableReason(): string | undefined {
  const exe = chromiumPath();
  try {
    accessSync(exe, constants.X_OK);
    return undefined;
  } catch {
    return `no Chromium at ${exe} (install it with \`apt-get install -y --no-install-recommends chromium\`, or set CHROMIUM_PATH)`;
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: [...CHROMIUM_ARGS] });
}

export interface GuardedPage {
  context: BrowserContext;
  page: Page;
  /** Every request the page tried to make outside the allowed origins (blocked, never sent). */
  externalRequests: string[];
  /** Every console message of level error, and every uncaught page exception (minus the expected ones). */
  consoleErrors(): string[];
  /**
   * Starts over on the same page (opening a page is the slow part of a browser test): forgets the
   * recorded requests and errors and the cookies, and sets what console errors are expected now.
   */
  reset(expectedConsoleErrors?: readonly RegExp[]): Promise<void>;
  close(): Promise<void>;
}

export interface GuardOptions {
  /** Origins (scheme://host:port) the page may reach, e.g. the local runtime's base URL. */
  allowedOrigins: readonly string[];
  /**
   * Console errors that are the expected consequence of what the test does, e.g. Chromium's
   * "Failed to load resource: ... status of 410" for a page that is meant to answer 410. Matched
   * against the message text; everything else counts.
   */
  expectedConsoleErrors?: readonly RegExp[];
}

/** A fresh context (no shared cookies between tests) and page with request and console guards. */
export async function guardPage(browser: Browser, options: GuardOptions): Promise<GuardedPage> {
  const allowed = new Set(options.allowedOrigins.map((o) => new URL(o).origin));
  const context = await browser.newContext({ viewport: { width: 900, height: 900 } });
  const externalRequests: string[] = [];
  const errors: string[] = [];
  // Blocked before it leaves the browser: a page that reaches out would fail here, never reach the internet.
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    const origin = URL.canParse(url) ? new URL(url).origin : url;
    if (allowed.has(origin)) return route.continue();
    externalRequests.push(url);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  page.on('console', (msg: ConsoleMessage) => {
    if (msg.type() === 'error') errors.push(`${msg.text()} (${msg.location().url || 'no url'})`);
  });
  page.on('pageerror', (err) => errors.push(`uncaught: ${err.message}`));
  let expected = options.expectedConsoleErrors ?? [];
  return {
    context,
    page,
    externalRequests,
    consoleErrors: () => errors.filter((e) => !expected.some((re) => re.test(e))),
    reset: async (expectedConsoleErrors = []) => {
      await page.goto('about:blank');
      await context.clearCookies();
      externalRequests.length = 0;
      errors.length = 0;
      expected = expectedConsoleErrors;
    },
    close: () => context.close(),
  };
}

/** Full-page PNG under test-output/screenshots/<name>.png (gitignored); returns the path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
