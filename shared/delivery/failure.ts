/** Kept for existing imports: the retry classification lives in shared/failure.ts. */
export * from '../failure.ts';
