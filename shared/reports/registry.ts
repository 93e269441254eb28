/**
 * THE list of report types. A new type (e.g. `history`) is one definition module plus one line
 * here; REPORT_TYPES, the request schemas and the runner all read this registry.
 */
import { profileReport } from './definitions/profile.ts';
import { videoListReport } from './definitions/video-list.ts';
import { videoQueryReport } from './definitions/video-query.ts';
import { historyReport } from './definitions/history.ts';
import type { ReportDefinition } from './types.ts';

const DEFINITIONS = {
  profile: profileReport,
  'video-list': videoListReport,
  'video-query': videoQueryReport,
  history: historyReport,
} as const;

export type ReportType = keyof typeof DEFINITIONS;
export type ReportDefinitionOf<T extends ReportType> = (typeof DEFINITIONS)[T];

export const REPORT_TYPES = Object.freeze(Object.keys(DEFINITIONS) as ReportType[]);

export function isReportType(value: unknown): value is ReportType {
  return typeof value === 'string' && Object.hasOwn(DEFINITIONS, value);
}

export function reportDefinition<T extends ReportType>(reportType: T): ReportDefinitionOf<T> {
  return DEFINITIONS[reportType];
}

// Compile-time check that every entry is a ReportDefinition whose key matches its type.
const _check: { [K in ReportType]: ReportDefinition & { type: K } } = DEFINITIONS as never;
void _check;
