/** Another tenant with its own API key, in the running local runtime's table (DYNAMODB_ENDPOINT, TABLE_NAME). */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ensureTenant, storeApiKey } from '../../shared/auth/api-keys.ts';

export async function newTenantKey(tenantId: string): Promise<string> {
  const doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: process.env.DYNAMODB_ENDPOINT, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } }),
  );
  const deps = { dynamo: doc, tableName: process.env.TABLE_NAME!, now: () => Date.now() };
  await ensureTenant(deps, tenantId, tenantId);
  const { apiKey } = await storeApiKey(deps, tenantId);
  doc.destroy();
  return apiKey;
}
