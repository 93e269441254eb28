/** The local tenant and its API key: DEV_API_KEY if set, else one generated once and kept in DATA_DIR. */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ensureTenant, storeApiKey } from '../../shared/auth/api-keys.ts';

export const LOCAL_TENANT_ID = 'tn_local';

export function devApiKey(dataDir: string, fromEnv: string | undefined): string {
  if (fromEnv) return fromEnv;
  const file = path.join(dataDir, 'dev-api-key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const key = `tkc_dev_${randomBytes(24).toString('base64url')}`;
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}

export async function seedDevTenant(dynamo: DynamoDBDocumentClient, tableName: string, apiKey: string, now: () => number): Promise<void> {
  const deps = { dynamo, tableName, now };
  await ensureTenant(deps, LOCAL_TENANT_ID, 'Local development tenant');
  await storeApiKey(deps, LOCAL_TENANT_ID, apiKey);
}
