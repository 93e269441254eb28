/**
 * What each queue's timing owes to its consumer, derived from THE function table (functions.ts): the
 * CDK stack (infra/constructs), the local stand-ins (infra/local) and the tests all read these, so the
 * visibility timeout in AWS and the local redelivery delay are one number (docs/architecture.md "Queues").
 */
import { FUNCTIONS, type FunctionPermission } from './functions.ts';

/** The permission that makes a function a queue's consumer (its SQS event source). */
export type ConsumePermission = Extract<FunctionPermission, `${string}:consume`>;

/**
 * AWS guidance for Lambda event sources: a visibility timeout of at least six times the function
 * timeout, so a message is not redelivered while a (retried) invocation may still be working on it.
 */
export const VISIBILITY_TIMEOUT_FACTOR = 6;

export interface ConsumerTiming {
  /** The one function consuming the queue. */
  consumer: string;
  /** Its timeout: the longest a try can hold a message. */
  consumerTimeoutSeconds: number;
  /** VISIBILITY_TIMEOUT_FACTOR times the consumer's timeout: when a message not deleted comes back. */
  visibilityTimeoutSeconds: number;
}

export function consumerTiming(permission: ConsumePermission): ConsumerTiming {
  const consumers = FUNCTIONS.filter((f) => (f.uses as readonly FunctionPermission[]).includes(permission));
  if (consumers.length !== 1) throw new Error(`Exactly one function must declare '${permission}' (found ${consumers.length})`);
  const [spec] = consumers;
  return { consumer: spec!.name, consumerTimeoutSeconds: spec!.timeoutSeconds, visibilityTimeoutSeconds: spec!.timeoutSeconds * VISIBILITY_TIMEOUT_FACTOR };
}
