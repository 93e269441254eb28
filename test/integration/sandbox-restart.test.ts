/**
 * The README promises a restart loses nothing: a connected account must still work after the local
 * runtime stops and starts again on the same DATA_DIR, so the sandbox's grants are kept there too.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectAccount } from '../support/connect.ts';
import { startTestRuntime } from '../support/runtime.ts';
import { callsTo, expectRows, openIdOf, profile } from '../faults/support.ts';

describe('local runtime restart', () => {
  it('keeps connected accounts working: the sandbox grants survive in DATA_DIR/sandbox.json (0600)', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tkc-sandbox-restart-'));
    try {
      const first = await startTestRuntime({ dataDir, inMemory: false });
      let ds: string;
      try {
        ds = await connectAccount(first, { account: 'sandbox.casual' });
        await expectRows(await profile(first, ds), 1);
      } finally {
        await first.stop();
      }
      expect(statSync(path.join(dataDir, 'sandbox.json')).mode & 0o777).toBe(0o600);

      const second = await startTestRuntime({ dataDir, inMemory: false });
      try {
        // The stored access token is still valid at the sandbox...
        await expectRows(await profile(second, ds), 1);
        // ...and so is the stored refresh token (strict rotation included).
        second.sandbox!.expireAccessTokens(openIdOf(second, 'sandbox.casual'));
        second.sandbox!.resetCallLog();
        await expectRows(await profile(second, ds), 1);
        expect(callsTo(second, '/v2/oauth/token/').map((c) => c.status)).toEqual([200]);
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
