/**
 * Output formats. Each renderer turns a ReportResult into one body with its content type; the
 * request schema's `format` enum is read from here, so a new format (e.g. html) is one renderer
 * plus one line below.
 */
import type { ReportResult } from '../types.ts';
import { renderCsv } from './csv.ts';
import { renderJson } from './json.ts';
import { renderHtml } from '../../render/index.ts';

export interface RenderedReport {
  body: string;
  contentType: string;
}

export interface Renderer {
  /** File name extension for downloads and S3 keys. */
  extension: string;
  render(result: ReportResult): RenderedReport;
}

const RENDERERS = {
  json: { extension: 'json', render: renderJson },
  csv: { extension: 'csv', render: renderCsv },
  html: { extension: 'html', render: renderHtml },
} as const satisfies Record<string, Renderer>;

export type ReportFormat = keyof typeof RENDERERS;

const FORMATS = Object.keys(RENDERERS) as [ReportFormat, ...ReportFormat[]];

export function renderFormats(): [ReportFormat, ...ReportFormat[]] {
  return FORMATS;
}

export function isReportFormat(value: string): value is ReportFormat {
  return Object.hasOwn(RENDERERS, value);
}

export function rendererFor(format: string): Renderer {
  if (!isReportFormat(format)) throw new TypeError(`Unknown report format "${format}"; known: ${FORMATS.join(', ')}`);
  return RENDERERS[format];
}
