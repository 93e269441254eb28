/**
 * Conditional single-item writes are how this service stays consistent without transactions; a
 * failed condition is an expected answer ("someone else got there first"), not an error.
 */
export function isConditionFailed(err: unknown): boolean {
  return (err as Error | undefined)?.name === 'ConditionalCheckFailedException';
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
