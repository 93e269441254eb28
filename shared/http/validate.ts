/** Kept for existing imports: the validation helpers live in shared/validation/ (domain code must not import http/). */
export * from '../validation/index.ts';
