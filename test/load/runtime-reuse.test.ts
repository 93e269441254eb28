/**
 * The bench harness (`npm run bench`) runs every benchmark in ONE process, one local runtime after
 * another. A runtime must therefore leave the process as it found it: the second one must still
 * mount the TikTok sandbox and talk to its own, not to the first one's closed port.
 */
import { describe, expect, it } from 'vitest';
import { startTestRuntime } from '../support/runtime.ts';

describe('local runtimes one after another in one process', () => {
  it('the second runtime still has its own sandbox', async () => {
    const first = await startTestRuntime();
    expect(first.sandbox).toBeDefined();
    await first.stop();

    const second = await startTestRuntime();
    try {
      expect(second.sandbox).toBeDefined();
      const res = await second.api('/v1/connect-links', { method: 'POST', json: { name: 'second' } });
      expect(res.status).toBe(201);
      const { url } = (await res.json()) as { url: string };
      const open = await fetch(url, { redirect: 'manual' });
      expect(open.status).toBe(302);
      expect(open.headers.get('location')).toContain(`${second.baseUrl}/sandbox/tiktok/v2/auth/authorize/`);
    } finally {
      await second.stop();
    }
  });
});
