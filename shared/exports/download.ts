/** Kept for existing imports: presigned download links live in shared/store/download.ts (schedules and exports both hand them out). */
export * from '../store/download.ts';
