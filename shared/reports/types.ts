/**
 * The shapes of the report domain. A report run is: validate the request, fetch the source JSON
 * (TikTok's own `{data:{...}}`), run Cloud9QL on it, and hand back rows plus what was fetched.
 */
import type * as z from 'zod/mini';
import type { ReportDeps } from './deps.ts';

export type { ReportResult } from '../report-result/types.ts';

/** Fields every report request has after validation. */
export interface BaseReportRequest {
  /** TikTok-backed types; history has `metrics` instead. */
  fields?: string[];
  cloud9ql: string;
  format: string;
}

/** The source data a report type fetched, before Cloud9QL. */
export interface FetchedData {
  /** The JSON Cloud9QL runs on, e.g. `{data:{user:{...}}}`. */
  input: unknown;
  pages: number;
  cursor: number | null;
  hasMore: boolean;
  /** Extra members for ReportMeta (the fixed members above always win). */
  meta?: Record<string, unknown>;
}

export interface FetchArgs<R> {
  deps: ReportDeps;
  tenantId: string;
  datasourceId: string;
  request: R;
  /** Wall-clock epoch ms (Date.now()) after which multi-call reports stop fetching (and say so with hasMore/cursor). */
  deadline?: number;
}

/**
 * One report type: its request schema (which also documents it in OpenAPI), its default Cloud9QL
 * and how it fetches its source data. Adding a report type = one definition + one registry line.
 */
export interface ReportDefinition<S extends z.ZodMiniType<BaseReportRequest> = z.ZodMiniType<BaseReportRequest>> {
  type: string;
  /** Short human name, e.g. "Profile & Stats". */
  title: string;
  defaultQuery: string;
  /** Built lazily (it reads the renderer registry for `format`). */
  schema: () => S;
  /** An example request body for the documentation. */
  example: z.input<S>;
  fetch(args: FetchArgs<z.output<S>>): Promise<FetchedData>;
}

/** Keeps each definition's own request type while checking it against ReportDefinition. */
export function defineReport<S extends z.ZodMiniType<BaseReportRequest>>(definition: ReportDefinition<S>): ReportDefinition<S> {
  return definition;
}

/** Builds a value on first use and keeps it (schemas are built once per container). */
export function once<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= build());
}
