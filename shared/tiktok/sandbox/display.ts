/**
 * Display API v2 endpoints: `/v2/user/info/`, `/v2/video/list/`, `/v2/video/query/`, answering
 * `{data, error:{code, message, log_id}}` with TikTok's statuses (docs/tiktok.md §4.1). Checks run in
 * TikTok's order: token, endpoint scope (`scope_not_authorized` 401), fields (`invalid_params`),
 * field scopes (`scope_permission_missed` 400), body (`invalid_params`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ENDPOINT_SCOPE, parseCommaList, scopeForField, type ReportType } from '../fields.ts';
import type { TikTokVideo } from '../types.ts';
import { coverImageUrl, type SandboxAccount, type SeededVideo } from './accounts.ts';
import { mediaType, readBody, sendJson } from './http.ts';
import type { SandboxState } from './state.ts';

export interface DisplayFailure {
  code: string;
  message: string;
  status: number;
}

export const MAX_COUNT = 20;
export const DEFAULT_COUNT = 10;

export function sendDisplayError(s: SandboxState, res: ServerResponse, f: DisplayFailure, headers?: Record<string, string>): void {
  sendJson(res, f.status, { data: {}, error: { code: f.code, message: f.message, log_id: s.logId() } }, headers);
}

function sendData(s: SandboxState, res: ServerResponse, data: unknown): void {
  sendJson(res, 200, { data, error: { code: 'ok', message: '', log_id: s.logId() } });
}

const invalidParams = (message: string): DisplayFailure => ({ code: 'invalid_params', message, status: 400 });

interface Authorized {
  account: SandboxAccount;
  fields: string[];
  body: Record<string, unknown>;
}

async function authorize(s: SandboxState, req: IncomingMessage, reportType: ReportType, method: 'GET' | 'POST'): Promise<Authorized | DisplayFailure> {
  if (req.method !== method) return { ...invalidParams(`Use ${method}.`), status: 405 };
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  const grant = bearer ? s.tokens.authenticate(bearer) : undefined;
  const account = grant && s.account(grant.openId);
  if (!grant || !account) {
    return { code: 'access_token_invalid', message: 'The access token is invalid or not found in the request.', status: 401 };
  }
  const endpointScope = ENDPOINT_SCOPE[reportType];
  if (!grant.scopes.includes(endpointScope)) {
    return { code: 'scope_not_authorized', message: `The user did not authorize the scope required for completing this request (${endpointScope}).`, status: 401 };
  }
  const fields = parseCommaList(new URL(req.url ?? '/', 'http://sandbox').searchParams.get('fields') ?? '');
  if (fields.length === 0) return invalidParams('The fields parameter is required.');
  const unknown = fields.filter((f) => scopeForField(reportType, f) === undefined);
  if (unknown.length > 0) return invalidParams(`Invalid fields: ${unknown.join(',')}.`);
  const missing = [...new Set(fields.map((f) => scopeForField(reportType, f)!))].filter((scope) => !grant.scopes.includes(scope));
  if (missing.length > 0) {
    return { code: 'scope_permission_missed', message: `The fields need scopes the user did not grant: ${missing.join(',')}.`, status: 400 };
  }
  if (method === 'GET') return { account, fields, body: {} };
  const body = await readJsonBody(req);
  return body === undefined ? invalidParams('The request body must be a JSON object.') : { account, fields, body };
}

async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const text = await readBody(req);
  if (text.trim() === '') return {};
  if (mediaType(req) !== 'application/json') return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function project(source: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  return Object.fromEntries(fields.map((f) => [f, source[f]]));
}

function videoOut(s: SandboxState, video: SeededVideo, fields: string[]): Partial<TikTokVideo> {
  return project({ ...video, cover_image_url: coverImageUrl(video, s.now()) }, fields);
}

export async function handleUserInfo(s: SandboxState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const a = await authorize(s, req, 'profile', 'GET');
  if ('code' in a) return sendDisplayError(s, res, a);
  sendData(s, res, { user: project({ ...a.account.user }, a.fields) });
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

export async function handleVideoList(s: SandboxState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const a = await authorize(s, req, 'video-list', 'POST');
  if ('code' in a) return sendDisplayError(s, res, a);
  const { cursor, max_count: maxCount = DEFAULT_COUNT } = a.body;
  if (cursor !== undefined && (!isInt(cursor) || cursor < 0)) return sendDisplayError(s, res, invalidParams('cursor must be a Unix timestamp in milliseconds.'));
  if (!isInt(maxCount) || maxCount < 1 || maxCount > MAX_COUNT) {
    return sendDisplayError(s, res, invalidParams(`max_count must be an integer from 1 to ${MAX_COUNT}.`));
  }
  // Any cursor means "videos posted before it"; none (or 0, as clients often send first) means "newest".
  const older = cursor ? a.account.videos.filter((v) => v.create_time * 1000 < cursor) : a.account.videos;
  const page = older.slice(0, maxCount);
  const last = page.at(-1);
  sendData(s, res, {
    videos: page.map((v) => videoOut(s, v, a.fields)),
    cursor: last ? last.create_time * 1000 : (cursor ?? 0),
    has_more: older.length > page.length,
  });
}

export async function handleVideoQuery(s: SandboxState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const a = await authorize(s, req, 'video-query', 'POST');
  if ('code' in a) return sendDisplayError(s, res, a);
  const ids = (a.body.filters as { video_ids?: unknown } | undefined)?.video_ids;
  if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === 'string' && id !== '')) {
    return sendDisplayError(s, res, invalidParams('filters.video_ids must be a non-empty array of video id strings.'));
  }
  if (ids.length > MAX_COUNT) return sendDisplayError(s, res, invalidParams(`filters.video_ids can hold at most ${MAX_COUNT} ids.`));
  // Only the user's own videos come back; other ids are simply absent (docs/tiktok.md §3.3).
  const own = new Map(a.account.videos.map((v) => [v.id, v]));
  const found = [...new Set(ids as string[])].flatMap((id) => (own.has(id) ? [videoOut(s, own.get(id)!, a.fields)] : []));
  sendData(s, res, { videos: found });
}
