/**
 * The HTML report in a real browser (headless Chromium): it renders its charts, makes no request
 * beyond the page itself, logs no console error and runs no injected script. Screenshots go to
 * test-output/screenshots/ (gitignored).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { renderHtml } from '../../shared/render/index.ts';
import type { ReportResult } from '../../shared/report-result/types.ts';
import { browserUnavailableReason, guardPage, launchChromium, saveScreenshot } from '../support/browser.ts';
import { XSS_TITLE, historyResult, videoListResult } from './fixtures.ts';

const why = browserUnavailableReason();
if (why) console.warn(`Skipping HTML report browser tests: ${why}`);

describe.skipIf(why)('HTML report in headless Chromium', () => {
  let browser: Browser;
  let server: Server;
  let origin: string;
  const pages: Record<string, string> = {
    '/history.html': renderHtml(historyResult()).body,
    '/video-list.html': renderHtml(videoListResult()).body,
    '/history-flat.html': renderHtml(flatHistory()).body,
  };
  const served: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    server = createServer((req, res) => {
      served.push(req.url ?? '');
      const body = pages[req.url ?? ''];
      // Served with the same headers the API uses for HTML (shared/http html()).
      res.writeHead(body ? 200 : 404, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'",
      });
      res.end(body ?? 'not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  for (const name of ['history', 'video-list']) {
    it(`${name}: renders charts and table, no console error, no request beyond the page, no script run`, async () => {
      const guarded = await guardPage(browser, { allowedOrigins: [origin] });
      const dialogs: string[] = [];
      guarded.page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      const requests: string[] = [];
      guarded.page.on('request', (r) => requests.push(r.url()));
      try {
        served.length = 0;
        const res = await guarded.page.goto(`${origin}/${name}.html`);
        expect(res?.status()).toBe(200);
        await guarded.page.setViewportSize({ width: 1400, height: 900 });
        const svgs = await guarded.page.locator('svg.chart').count();
        expect(svgs).toBe(name === 'history' ? 3 : 1);
        // Charts are laid out with a real size (not collapsed) and the line has a drawn path.
        const box = await guarded.page.locator('svg.chart').first().boundingBox();
        expect(box!.width).toBeGreaterThan(300);
        expect(box!.height).toBeGreaterThan(100);
        if (name === 'history') {
          expect(await guarded.page.locator('svg.line path.series').count()).toBe(2);
          expect(await guarded.page.locator('svg.line rect.gap').count()).toBe(6);
          expect(await guarded.page.locator('td.missing').count()).toBe(16);
        }
        // The hostile title is shown as text, and did not become an element.
        expect(await guarded.page.locator('main script, main img').count()).toBe(0);
        const shownAsText = name === 'history' ? guarded.page.locator('svg.bar text.bl', { hasText: '<img src=x' }) : guarded.page.locator('td', { hasText: 'onerror=' });
        expect(await shownAsText.count()).toBe(1);
        expect(await guarded.page.locator('script').count()).toBe(0);
        const file = await saveScreenshot(guarded.page, `html-report-${name}`);
        expect(file).toMatch(/test-output\/screenshots\/html-report-/);
        expect(requests).toEqual([`${origin}/${name}.html`]);
        expect(served).toEqual([`/${name}.html`]);
        expect(guarded.externalRequests).toEqual([]);
        expect(guarded.consoleErrors()).toEqual([]);
        expect(dialogs).toEqual([]);
      } finally {
        await guarded.close();
      }
    });
  }

  it('a new account\'s flat history: y labels inside the chart, whole numbers; the wide table scrolls in its box', async () => {
    const guarded = await guardPage(browser, { allowedOrigins: [origin] });
    try {
      await guarded.page.setViewportSize({ width: 900, height: 900 });
      await guarded.page.goto(`${origin}/history-flat.html`);
      const chart = guarded.page.locator('svg.line').first();
      const box = (await chart.boundingBox())!;
      const labels = guarded.page.locator('svg.line').first().locator('text.yl');
      expect(await labels.count()).toBeGreaterThanOrEqual(2);
      for (const label of await labels.all()) {
        const b = (await label.boundingBox())!;
        expect(b.x).toBeGreaterThanOrEqual(box.x);
        expect(await label.textContent()).toMatch(/^\d{3}(\.\d)?K$/);
      }
      // A string, so the page's globals need no DOM types here.
      const overflow = await guarded.page.evaluate(`(() => {
        const wrap = document.querySelector('.table-wrap');
        return { wrap: wrap.scrollWidth > wrap.clientWidth, page: document.documentElement.scrollWidth > window.innerWidth };
      })()`);
      expect(overflow).toEqual({ wrap: true, page: false });
      await chart.screenshot({ path: await saveScreenshot(guarded.page, 'history-flat-series-page').then((f) => f.replace(/-page\.png$/, '.png')) });
      expect(guarded.consoleErrors()).toEqual([]);
    } finally {
      await guarded.close();
    }
  });

  it('keeps the full hostile title readable in the table', async () => {
    const guarded = await guardPage(browser, { allowedOrigins: [origin] });
    try {
      await guarded.page.goto(`${origin}/video-list.html`);
      const texts = await guarded.page.locator('td').allTextContents();
      expect(texts).toContain(XSS_TITLE);
    } finally {
      await guarded.close();
    }
  });
});

/** A new account: two weeks of the same follower count, and enough columns to be wider than the page. */
function flatHistory(): ReportResult {
  const result = historyResult(14, [20, 20]);
  result.rows = result.rows.map((r) => ({
    ...r,
    follower_count: 188_600,
    follower_count_delta: 0,
    ...Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`extra_metric_with_a_long_name_${i}`, 1000 + i])),
  }));
  result.columns = Object.keys(result.rows[0]!);
  return result;
}

