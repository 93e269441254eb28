/** Command line of `npm run tenant`: parsed and validated up front, so a typo never touches a table. */
import { parseArgs } from 'node:util';
import { MAX_REQUESTS_PER_MINUTE } from '../../shared/auth/rate-limit.ts';
import { stackName } from '../outputs.ts';

export const USAGE = `Usage: npm run tenant -- <command> [options]

Commands:
  create <name>                     create a tenant and its first API key (printed once)
  list                              list tenants and their keys (key ids and hash prefixes, never keys)
  rotate-key <tenantId>             issue a new API key (printed once); old keys stay valid
                                    until revoked, or pass --revoke-old to revoke them now
  revoke-key <tenantId> <keyId>     revoke one key
  limit <tenantId>                  show the tenant's API request limit; set it with
                                    --requests-per-minute <n>, or --clear it (the default applies)

Where the table is (pick one; default: the deployed stack of --stage dev):
  --stack <name>                    read the table name from this CloudFormation stack's outputs
  --stage <stage>                   the stack of a stage (TikTokConnector-<stage>), default dev
  --table <name>                    use this table name (AWS, or with --local / --data-dir)
  --local <url>                     a local DynamoDB endpoint, e.g. http://127.0.0.1:8000 (alias --endpoint)
  --data-dir <dir>                  the local runtime's DATA_DIR (e.g. .data); stop npm start first
  --region <region>                 AWS region (default: your AWS config)

Other:
  --json                            machine-readable output
  --revoke-old                      with rotate-key: revoke the tenant's other active keys
  --requests-per-minute <n>         with limit: the tenant's own limit (1-1000000), instead of
                                    TENANT_REQUESTS_PER_MINUTE; applies within 60 s
  --clear                           with limit: remove the tenant's own limit
  -h, --help                        this text`;

export type Command =
  | { kind: 'create'; name: string }
  | { kind: 'list' }
  | { kind: 'rotate-key'; tenantId: string; revokeOld: boolean }
  | { kind: 'revoke-key'; tenantId: string; keyId: string }
  /** requestsPerMinute: a number sets it, null clears it, undefined only shows it. */
  | { kind: 'limit'; tenantId: string; requestsPerMinute?: number | null };

export type TargetOptions =
  | { kind: 'aws'; stackName: string; table?: string; region?: string }
  | { kind: 'endpoint'; endpoint: string; table?: string; region?: string }
  | { kind: 'data-dir'; dataDir: string; table?: string };

export interface CliArgs {
  command: Command;
  target: TargetOptions;
  json: boolean;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const TENANT_ID = /^tn_[A-Za-z0-9_-]{1,64}$/;
const KEY_ID = /^key_[A-Za-z0-9_-]{1,64}$/;

/** Returns undefined for --help. */
export function parseCliArgs(argv: readonly string[]): CliArgs | undefined {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        stack: { type: 'string' },
        stage: { type: 'string' },
        table: { type: 'string' },
        local: { type: 'string' },
        endpoint: { type: 'string' },
        'data-dir': { type: 'string' },
        region: { type: 'string' },
        json: { type: 'boolean', default: false },
        'revoke-old': { type: 'boolean', default: false },
        'requests-per-minute': { type: 'string' },
        clear: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values: v, positionals } = parsed;
  if (v.help) return undefined;
  const [name, ...rest] = positionals;
  const arity = (n: number) => {
    if (rest.length !== n) throw new UsageError(`${name} takes ${n} argument${n === 1 ? '' : 's'}, got ${rest.length}`);
  };

  let command: Command;
  switch (name) {
    case 'create': {
      arity(1);
      const tenantName = rest[0]!.trim();
      if (!tenantName || tenantName.length > 100) throw new UsageError('The tenant name must be 1-100 characters.');
      command = { kind: 'create', name: tenantName };
      break;
    }
    case 'list':
      arity(0);
      command = { kind: 'list' };
      break;
    case 'rotate-key':
      arity(1);
      command = { kind: 'rotate-key', tenantId: checked(rest[0]!, TENANT_ID, 'tenant id'), revokeOld: Boolean(v['revoke-old']) };
      break;
    case 'revoke-key':
      arity(2);
      command = { kind: 'revoke-key', tenantId: checked(rest[0]!, TENANT_ID, 'tenant id'), keyId: checked(rest[1]!, KEY_ID, 'key id') };
      break;
    case 'limit': {
      arity(1);
      const tenantId = checked(rest[0]!, TENANT_ID, 'tenant id');
      const raw = v['requests-per-minute'];
      if (raw !== undefined && v.clear) throw new UsageError('Choose --requests-per-minute or --clear, not both.');
      let requestsPerMinute: number | null | undefined = v.clear ? null : undefined;
      if (raw !== undefined) {
        requestsPerMinute = /^\d{1,7}$/.test(raw) ? Number(raw) : NaN;
        if (!(requestsPerMinute >= 1 && requestsPerMinute <= MAX_REQUESTS_PER_MINUTE)) {
          throw new UsageError(`--requests-per-minute wants a whole number in 1..${MAX_REQUESTS_PER_MINUTE}, got "${raw}".`);
        }
      }
      command = { kind: 'limit', tenantId, requestsPerMinute };
      break;
    }
    case undefined:
      throw new UsageError('No command given.');
    default:
      throw new UsageError(`Unknown command "${name}".`);
  }
  if (v['revoke-old'] && command.kind !== 'rotate-key') throw new UsageError('--revoke-old only goes with rotate-key.');
  if ((v['requests-per-minute'] !== undefined || v.clear) && command.kind !== 'limit') throw new UsageError('--requests-per-minute and --clear only go with limit.');

  const endpoint = v.local ?? v.endpoint;
  const dataDir = v['data-dir'];
  const chosen = [endpoint && '--local', dataDir && '--data-dir', (v.stack || v.stage) && '--stack/--stage'].filter(Boolean);
  if (chosen.length > 1) throw new UsageError(`Choose one of ${chosen.join(', ')}.`);
  if (v.stack && v.stage) throw new UsageError('Choose --stack or --stage, not both.');

  let target: TargetOptions;
  if (endpoint) {
    if (!/^https?:\/\/[^\s/]+/.test(endpoint)) throw new UsageError(`--local wants a URL such as http://127.0.0.1:8000, got "${endpoint}".`);
    target = { kind: 'endpoint', endpoint, table: v.table, region: v.region };
  } else if (dataDir) {
    target = { kind: 'data-dir', dataDir, table: v.table };
  } else {
    const stage = v.stage ?? 'dev';
    if (!/^[a-z][a-z0-9-]{0,19}$/.test(stage)) throw new UsageError(`Invalid stage "${stage}".`);
    target = { kind: 'aws', stackName: v.stack ?? stackName(stage), table: v.table, region: v.region };
  }
  return { command, target, json: Boolean(v.json) };
}

function checked(value: string, pattern: RegExp, what: string): string {
  if (!pattern.test(value)) throw new UsageError(`"${value}" is not a ${what}.`);
  return value;
}
