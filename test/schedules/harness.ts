/**
 * Test harness for scheduled deliveries on the local runtime: a clock the test moves, the local
 * report queue with no backoff delays, a reader for the local S3 store, and S3 fault injection
 * through the SDK middleware stack of the handlers' own S3 client (counts PutObject calls, their
 * concurrency, and fails them on demand).
 */
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { invokeFunction } from '../../infra/local/functions.ts';
import { scheduledEvent } from '../../infra/local/scheduler.ts';
import { s3Client } from '../../shared/store/s3.ts';
import { createSchedule, defaultScheduleServiceDeps, scheduleBodySchema, type DispatchSummary } from '../../shared/schedules/index.ts';
import { parseOrThrow } from '../../shared/validation/index.ts';
import { SCHEDULES } from '../../shared/topology/schedules.ts';
import { connectAccount } from '../support/connect.ts';
import { startTestRuntime, type TestRuntime } from '../support/runtime.ts';

export interface TestClock {
  now(): number;
  set(iso: string): void;
  advance(ms: number): void;
}

export function testClock(startIso: string): TestClock {
  let t = Date.parse(startIso);
  return {
    now: () => t,
    set: (iso) => {
      t = Date.parse(iso);
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

/** What the S3 middleware saw and what it should break. */
export interface S3Faults {
  /** PutObject calls that reached the middleware (including failed ones). */
  puts: number;
  inFlight: number;
  maxInFlight: number;
  /** Fail this many upcoming PutObject calls before they reach S3. */
  failNextPuts: number;
  /** Fail every PutObject before it reaches S3. */
  failAllPuts: boolean;
  /** Let this many upcoming PutObject calls succeed at S3, then throw as if the response was lost. */
  loseNextPutResponses: number;
  /** Hold each PutObject this long (makes concurrency observable). */
  putDelayMs: number;
  reset(): void;
}

function createFaults(): S3Faults {
  const f: S3Faults = {
    puts: 0,
    inFlight: 0,
    maxInFlight: 0,
    failNextPuts: 0,
    failAllPuts: false,
    loseNextPutResponses: 0,
    putDelayMs: 0,
    reset() {
      Object.assign(f, { puts: 0, inFlight: 0, maxInFlight: 0, failNextPuts: 0, failAllPuts: false, loseNextPutResponses: 0, putDelayMs: 0 });
    },
  };
  return f;
}

function injectedError(message: string): Error {
  const err = new Error(message);
  err.name = 'ServiceUnavailable';
  Object.assign(err, { $metadata: { httpStatusCode: 503 }, $fault: 'server' });
  return err;
}

export interface Harness {
  rt: TestRuntime;
  clock: TestClock;
  faults: S3Faults;
  s3: S3Client;
  bucket: string;
  /** Fires the dispatcher through the local scheduler and waits until the queue is idle. */
  dispatchAndDrain(): Promise<DispatchSummary>;
  /** Invokes schedule-dispatch directly with an EventBridge event (no de-duplication by the scheduler). */
  invokeDispatch(event?: Record<string, unknown>): Promise<DispatchSummary>;
  dispatchEvent(): Record<string, unknown>;
  createSchedule(body: Record<string, unknown>): Promise<Record<string, unknown> & { id: string }>;
  /** Creates through the domain service (same validation, no HTTP): for bulk setups. */
  createScheduleDirect(body: Record<string, unknown>): Promise<Record<string, unknown> & { id: string }>;
  runs(scheduleId: string): Promise<Array<Record<string, unknown>>>;
  schedule(scheduleId: string): Promise<Record<string, unknown>>;
  listKeys(prefix: string): Promise<string[]>;
  getObject(key: string): Promise<{ body: string; contentType?: string; contentLength?: number; metadata: Record<string, string> }>;
  connect(account?: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startHarness(startIso: string, queue: { maxConcurrency?: number } = {}): Promise<Harness> {
  const clock = testClock(startIso);
  const rt = await startTestRuntime({ clock, reportQueue: { delayScale: 0, ...queue } });
  const faults = createFaults();
  // The handlers' own S3 client (built once per runtime and shared with them).
  s3Client().middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'PutObjectCommand') return next(args);
      faults.puts += 1;
      faults.inFlight += 1;
      faults.maxInFlight = Math.max(faults.maxInFlight, faults.inFlight);
      try {
        if (faults.putDelayMs > 0) await new Promise((r) => setTimeout(r, faults.putDelayMs));
        if (faults.failAllPuts) throw injectedError('Injected S3 failure (always)');
        if (faults.failNextPuts > 0) {
          faults.failNextPuts -= 1;
          throw injectedError('Injected S3 failure');
        }
        const out = await next(args);
        if (faults.loseNextPutResponses > 0) {
          faults.loseNextPutResponses -= 1;
          throw injectedError('Injected loss of the PutObject response');
        }
        return out;
      } finally {
        faults.inFlight -= 1;
      }
    },
    { step: 'initialize', name: 'testS3Faults' },
  );
  const s3 = new S3Client({
    endpoint: process.env.S3_ENDPOINT,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  const bucket = process.env.BUCKET_NAME!;
  const spec = SCHEDULES.find((s) => s.rule === 'schedule-dispatch')!;
  const dispatchEvent = () => scheduledEvent(spec, new Date(clock.now()));
  const json = async (res: Response) => {
    const text = await res.text();
    if (!res.ok) throw new Error(`${res.status}: ${text}`);
    return JSON.parse(text);
  };

  return {
    rt,
    clock,
    faults,
    s3,
    bucket,
    dispatchEvent,
    async dispatchAndDrain() {
      const summary = (await rt.scheduler.fire('schedule-dispatch')) as DispatchSummary;
      await rt.reportQueue.drain();
      return summary;
    },
    invokeDispatch: (event = dispatchEvent()) => invokeFunction('schedule-dispatch', event) as Promise<DispatchSummary>,
    async createSchedule(body) {
      return json(await rt.api('/v1/schedules', { method: 'POST', json: body }));
    },
    async createScheduleDirect(body) {
      // The domain takes a parsed body, as httpHandler hands it over.
      return createSchedule(defaultScheduleServiceDeps(), rt.tenantId, parseOrThrow(scheduleBodySchema(), body));
    },
    async runs(scheduleId) {
      return (await json(await rt.api(`/v1/schedules/${scheduleId}/runs?limit=100`))).items;
    },
    async schedule(scheduleId) {
      return json(await rt.api(`/v1/schedules/${scheduleId}`));
    },
    async listKeys(prefix) {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const res = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
        for (const o of res.Contents ?? []) keys.push(o.Key!);
        token = res.IsTruncated ? res.NextContinuationToken : undefined;
      } while (token);
      return keys.sort();
    },
    async getObject(key) {
      const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return { body: await res.Body!.transformToString(), contentType: res.ContentType, contentLength: res.ContentLength, metadata: res.Metadata ?? {} };
    },
    connect: (account = 'sandbox.creator') => connectAccount(rt, { account }),
    async stop() {
      s3.destroy();
      await rt.stop();
    },
  };
}
