/** Kept for existing imports: the translation lives in shared/error-translation.ts (domain code must not import http/). */
export * from '../error-translation.ts';
