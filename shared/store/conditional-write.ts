/**
 * Conditional single-item writes are how this service stays consistent without transactions; a
 * failed condition is an expected answer ("someone else got there first"), not an error. Every store
 * checks for it here, by the SDK's exception class (dynalite, the local store, answers over the same
 * protocol, so the SDK raises the same class there).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

export function isConditionFailed(err: unknown): boolean {
  return err instanceof ConditionalCheckFailedException;
}

/** Runs a conditional write; undefined when its condition did not hold, the write's result otherwise. */
export async function unlessConditionFails<T>(write: Promise<T>): Promise<T | undefined> {
  try {
    return await write;
  } catch (err) {
    if (isConditionFailed(err)) return undefined;
    throw err;
  }
}

/** Runs a conditional write; false when its condition did not hold (someone else got there first). */
export async function conditionHeld(write: Promise<unknown>): Promise<boolean> {
  return (await unlessConditionFails(write.then(() => true))) ?? false;
}
