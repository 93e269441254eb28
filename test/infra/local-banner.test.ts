/** `npm start`'s banner: a connect link only while nothing is connected, else how to get one. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startupBanner } from '../../infra/local/banner.ts';
import { connectAccount } from '../support/connect.ts';
import { startTestRuntime, type TestRuntime } from '../support/runtime.ts';

describe('npm start banner', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await startTestRuntime();
  });
  afterAll(async () => {
    await rt?.stop();
  });

  it('mints a ready-to-open connect link when the dev tenant has no datasource', async () => {
    const banner = await startupBanner(rt);
    expect(banner.link?.url).toMatch(/\/v1\/connect\/cl_/);
    expect(banner.lines.join('\n')).toContain(`open ${banner.link!.url}`);
  });

  it('mints none once an account is connected, and prints the curl commands instead', async () => {
    await connectAccount(rt);
    const banner = await startupBanner(rt);
    expect(banner.link).toBeUndefined();
    const text = banner.lines.join('\n');
    expect(text).not.toMatch(/\/v1\/connect\/cl_/);
    expect(text).toContain(`curl -s ${rt.baseUrl}/v1/datasources -H "Authorization: Bearer ${rt.apiKey}"`);
    expect(text).toContain(`curl -s -X POST ${rt.baseUrl}/v1/connect-links`);
  });
});
