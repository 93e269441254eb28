/** The tenant CLI as a function (argv in, exit code out) so tests run it in-process. */
import { parseCliArgs, USAGE, UsageError, type CliArgs } from './args.ts';
import { AdminError, createTenant, listTenants, revokeKey, rotateKey, tenantLimit, type AdminDeps } from './commands.ts';
import { openTarget, TargetError, type TargetDeps } from './target.ts';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

export const consoleIo: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l) };

const SHOWN_ONCE = 'Store this API key now: it is shown only once (the service keeps only its SHA-256 hash).';

export async function runTenantCli(argv: readonly string[], io: CliIo = consoleIo, deps: TargetDeps & { now?: () => number } = {}): Promise<number> {
  let args: CliArgs | undefined;
  try {
    args = parseCliArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`${err.message}\n\n${USAGE}`);
    return 2;
  }
  if (!args) {
    io.out(USAGE);
    return 0;
  }
  let target;
  try {
    target = await openTarget(args.target, deps);
  } catch (err) {
    if (err instanceof TargetError) {
      io.err(err.message);
      return 1;
    }
    throw err;
  }
  const admin: AdminDeps = { dynamo: target.dynamo, tableName: target.tableName, now: deps.now ?? Date.now };
  try {
    await execute(args, admin, io, target.where);
    return 0;
  } catch (err) {
    if (err instanceof AdminError) {
      io.err(err.message);
      return 1;
    }
    const e = err as Error;
    // SDK errors carry no secrets; the key being issued is never part of an error.
    io.err(`${e.name}: ${e.message}`);
    return 1;
  } finally {
    await target.close();
  }
}

async function execute({ command, json }: CliArgs, admin: AdminDeps, io: CliIo, where: string): Promise<void> {
  const print = (value: unknown, text: string[]) => io.out(json ? JSON.stringify(value, null, 2) : text.join('\n'));
  switch (command.kind) {
    case 'create': {
      const t = await createTenant(admin, command.name);
      print(t, [`Tenant   ${t.tenantId} (${t.name})`, `Key id   ${t.keyId}`, `API key  ${t.apiKey}`, '', SHOWN_ONCE]);
      if (json) io.err(SHOWN_ONCE);
      return;
    }
    case 'list': {
      const tenants = await listTenants(admin);
      const lines = [`${tenants.length} tenant(s) in ${where}`];
      for (const t of tenants) {
        lines.push('', `${t.tenantId}  ${t.name}  (created ${t.createdAt})`);
        if (!t.keys.length) lines.push('  no keys');
        for (const k of t.keys) {
          lines.push(`  ${k.keyId}  hash ${k.hashPrefix}…  created ${k.createdAt}  ${k.revokedAt ? `revoked ${k.revokedAt}` : 'active'}`);
        }
      }
      print(tenants, lines);
      return;
    }
    case 'rotate-key': {
      const r = await rotateKey(admin, command.tenantId, { revokeOld: command.revokeOld });
      const lines = [`Tenant   ${r.tenantId}`, `Key id   ${r.keyId}`, `API key  ${r.apiKey}`, '', SHOWN_ONCE];
      if (r.revoked.length) lines.push(`Revoked: ${r.revoked.join(', ')}`);
      if (r.stillActive.length) {
        lines.push(`Still active: ${r.stillActive.join(', ')}. Once clients use the new key:`);
        for (const k of r.stillActive) lines.push(`  npm run tenant -- revoke-key ${r.tenantId} ${k}`);
      }
      print(r, lines);
      if (json) io.err(SHOWN_ONCE);
      return;
    }
    case 'revoke-key':
      await revokeKey(admin, command.tenantId, command.keyId);
      print({ tenantId: command.tenantId, keyId: command.keyId, revoked: true }, [`Revoked ${command.keyId} of ${command.tenantId}.`]);
      return;
    case 'limit': {
      const l = await tenantLimit(admin, command.tenantId, command.requestsPerMinute);
      const limit = l.requestsPerMinute === null ? 'the default (TENANT_REQUESTS_PER_MINUTE, 600 unless set)' : `${l.requestsPerMinute} per minute`;
      const verb = command.requestsPerMinute === undefined ? 'is' : 'is now';
      const lines = [`API request limit of ${l.tenantId} ${verb} ${limit}.`];
      // Functions cache the limit per container (shared/http/middleware/tenant-rate-limit.ts).
      if (command.requestsPerMinute !== undefined) lines.push('Running functions apply it within 60 seconds.');
      print(l, lines);
      return;
    }
  }
}
