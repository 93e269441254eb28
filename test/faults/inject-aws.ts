/**
 * Fault injection into the AWS SDK clients the handlers use (`appContext().dynamo` / `.s3`), through
 * the SDK's own middleware stack: the injected error travels the same path a real one would, so the
 * SDK's retry strategy (`maxAttempts`), the product's error mapping and its idempotency are all
 * exercised. Two places in the stack:
 *
 * - `before-send` (default): the attempt fails before any byte reaches the store (throttling, 5xx).
 *   The middleware sits in `finalizeRequest` at low priority, i.e. INSIDE the SDK's retry middleware,
 *   so each SDK attempt counts against `count` and a short burst is retried away by the SDK itself.
 * - `after-send`: the request reaches the store and succeeds, then the response is lost (a timeout
 *   or reset on the way back). This is the nasty one for idempotency: the caller sees an error for
 *   a write that happened.
 *
 * Chosen over aws-sdk-client-mock because the stores stay real (dynalite, s3rver): only the chosen
 * calls fail, everything else keeps its real behaviour.
 */
import { DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { S3ServiceException } from '@aws-sdk/client-s3';
import { appContext } from '../../shared/context.ts';
import { s3Client } from '../../shared/store/s3.ts';

export type AwsErrorKind =
  /** DynamoDB ProvisionedThroughputExceededException (400, throttling: the SDK retries it). */
  | 'throttled'
  /** 500 InternalServerError / InternalError (transient: the SDK retries it). */
  | 'internal'
  /** 503 ServiceUnavailable / SlowDown (S3's throttling). */
  | 'unavailable'
  /** 403 AccessDenied (not retryable: a broken IAM policy). */
  | 'access_denied';

export interface AwsFaultSpec {
  /** The low-level command name, e.g. `PutItemCommand`, `UpdateItemCommand`, `PutObjectCommand`. Omitted: any. */
  command?: string | readonly string[];
  /** Extra filter on the serialized request body (JSON for DynamoDB; the key/path for S3), e.g. /"DS#/. */
  match?: RegExp;
  kind?: AwsErrorKind;
  /** How many matching attempts fail (default 1); Infinity for "until removed". */
  count?: number;
  phase?: 'before-send' | 'after-send';
}

export interface InjectedFaults {
  /** Attempts that failed because of this injection. */
  readonly fired: number;
  /** Matching attempts seen (failed or not), e.g. to prove a path was exercised. */
  readonly seen: number;
  remove(): void;
}

type Service = 'dynamodb' | 's3';

type Next = (args: { request?: unknown }) => Promise<unknown>;

/** The part of an SDK client's middleware stack used here (typed loosely: one stack serves every command). */
interface FaultStack {
  addRelativeTo(
    middleware: (next: Next, context: { commandName?: string }) => Next,
    options: { name: string; relation: 'before' | 'after'; toMiddleware: string; override?: boolean },
  ): void;
  remove(name: string): boolean;
}

let sequence = 0;

function makeError(service: Service, kind: AwsErrorKind, command: string): Error {
  const table: Record<AwsErrorKind, { name: string; status: number; fault: 'client' | 'server' }> =
    service === 'dynamodb'
      ? {
          throttled: { name: 'ProvisionedThroughputExceededException', status: 400, fault: 'client' },
          internal: { name: 'InternalServerError', status: 500, fault: 'server' },
          unavailable: { name: 'ServiceUnavailable', status: 503, fault: 'server' },
          access_denied: { name: 'AccessDeniedException', status: 400, fault: 'client' },
        }
      : {
          throttled: { name: 'SlowDown', status: 503, fault: 'server' },
          internal: { name: 'InternalError', status: 500, fault: 'server' },
          unavailable: { name: 'ServiceUnavailable', status: 503, fault: 'server' },
          access_denied: { name: 'AccessDenied', status: 403, fault: 'client' },
        };
  const t = table[kind];
  const init = {
    name: t.name,
    $fault: t.fault,
    message: `Injected ${service} fault (${t.name}) on ${command}`,
    $metadata: { httpStatusCode: t.status, requestId: `injected-${++sequence}` },
  };
  return service === 'dynamodb' ? new DynamoDBServiceException(init) : new S3ServiceException(init);
}

function bodyText(request: unknown): string {
  // DynamoDB bodies are JSON (bytes or a string); S3 bodies may be streams, so those are matched on the path (bucket/key) only.
  const r = request as { body?: unknown; path?: string } | undefined;
  const body = r?.body;
  const text = typeof body === 'string' ? body : body instanceof Uint8Array ? new TextDecoder().decode(body.subarray(0, 65_536)) : '';
  return `${r?.path ?? ''} ${text}`;
}

function inject(service: Service, stack: FaultStack, spec: AwsFaultSpec): InjectedFaults {
  const name = `injected-fault-${++sequence}`;
  const commands = spec.command === undefined ? undefined : new Set(typeof spec.command === 'string' ? [spec.command] : spec.command);
  const kind = spec.kind ?? 'internal';
  const phase = spec.phase ?? 'before-send';
  let remaining = spec.count ?? 1;
  const state = { fired: 0, seen: 0 };
  stack.addRelativeTo(
    (next, context) => async (args) => {
      const command = context.commandName ?? '';
      const matches = (!commands || commands.has(command)) && (!spec.match || spec.match.test(bodyText(args.request)));
      if (!matches) return next(args);
      state.seen += 1;
      if (remaining <= 0) return next(args);
      remaining -= 1;
      state.fired += 1;
      if (phase === 'after-send') await next(args);
      throw makeError(service, kind, command);
    },
    // Right before the bytes go out, after signing: inside the SDK's retry loop, so every attempt is seen.
    { name, relation: 'after', toMiddleware: 'httpSigningMiddleware', override: true },
  );
  return {
    get fired() {
      return state.fired;
    },
    get seen() {
      return state.seen;
    },
    remove: () => {
      stack.remove(name);
    },
  };
}

/** Faults on a DynamoDB client: by default the one the handlers use (the DocumentClient shares its client's stack). */
export function injectDynamoFault(spec: AwsFaultSpec = {}, client: { middlewareStack: unknown } = appContext().dynamo): InjectedFaults {
  return inject('dynamodb', client.middlewareStack as FaultStack, spec);
}

/** Faults on the S3 client the handlers use. */
export function injectS3Fault(spec: AwsFaultSpec = {}): InjectedFaults {
  return inject('s3', s3Client().middlewareStack as unknown as FaultStack, spec);
}
