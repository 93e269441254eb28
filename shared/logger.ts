/**
 * One Powertools logger for the whole service, with secrets redacted at serialisation time:
 * whatever a caller logs, a value under a secret-looking key (authorization, tokens, codes,
 * client secret, PKCE verifier, OAuth state, API keys) never reaches the log line, and strings
 * that look like TikTok tokens (`act.`, `rft.`) are masked wherever they appear.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { readLogLevel } from './config/logging.ts';

const SECRET_KEY =
  /^(authorization|cookie|set-cookie|access_?token|refresh_?token|id_?token|token|code|code_?verifier|client_?secret|secret|password|state|api_?key|x-api-key|ciphertext|data_?key|plaintext)$/i;
const TOKEN_LIKE = /\b(act|rft|clt)\.[A-Za-z0-9._~+/=-]{4,}/g;

export const REDACTED = '[REDACTED]';

/** JSON replacer used by the logger; exported for tests and for any other place that serialises untrusted objects. */
/** Error codes (`ECONNREFUSED`, `invalid_grant`) are useful and harmless; an OAuth code never looks like one. */
// Lower-case codes may carry digits inside words (`cloud9ql_error`) when they have underscore-separated words each starting with a letter.
const ERROR_CODE = /^([A-Z][A-Z0-9]*(_[A-Z0-9]+)*|[a-z]+(_[a-z0-9]+)*|[a-z][a-z0-9]*(_[a-z][a-z0-9]*)+)$/;

export function redactSecrets(key: string, value: unknown): unknown {
  if (key && SECRET_KEY.test(key) && value !== null && value !== undefined && value !== '') {
    if (key === 'code' && typeof value === 'string' && value.length <= 40 && ERROR_CODE.test(value)) return value;
    return REDACTED;
  }
  if (typeof value === 'string') return value.replace(TOKEN_LIKE, `$1.${REDACTED}`);
  return value;
}

export function createLogger(serviceName = 'tiktok-connector'): Logger {
  return new Logger({
    serviceName,
    logLevel: readLogLevel(),
    jsonReplacerFn: redactSecrets,
  });
}

export const logger = createLogger();
