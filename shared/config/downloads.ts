/**
 * How download links are signed: LOCAL_FILES_KEY_FILE (set by the local runtime: links to its own
 * file server, signed with that key) or, unset, presigned S3 URLs with the function's credentials.
 */
import * as z from 'zod/mini';
import '../zod-locale.ts';
import { parseEnv, processEnv } from './env.ts';

export const downloadsEnv = z.object({
  LOCAL_FILES_KEY_FILE: z.optional(z.string()),
});

export function readLocalFilesKeyFile(env: NodeJS.ProcessEnv = processEnv()): string | undefined {
  return parseEnv(downloadsEnv, env).LOCAL_FILES_KEY_FILE || undefined;
}

/**
 * The role's session credentials, which the Lambda runtime (not us) puts in the environment and
 * renews: read at signing time, never cached. Not settings, so not in README's table.
 */
export function runtimeCredentials(env: NodeJS.ProcessEnv = processEnv()): { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = env;
  return accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } : undefined;
}
