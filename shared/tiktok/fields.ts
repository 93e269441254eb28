/**
 * The field catalogue: which fields each report type may request from TikTok and the OAuth scope
 * each field needs (docs/tiktok.md §3). It is data, so the report code validates `fields` and checks
 * granted scopes from the same table the sandbox enforces.
 */

export const ALL_SCOPES = ['user.info.basic', 'user.info.profile', 'user.info.stats', 'video.list'] as const;
export type TikTokScope = (typeof ALL_SCOPES)[number];

export const REPORT_TYPES = ['profile', 'video-list', 'video-query'] as const;
export type ReportType = (typeof REPORT_TYPES)[number];

export type FieldType = 'string' | 'boolean' | 'integer';
export interface FieldSpec {
  readonly scope: TikTokScope;
  readonly type: FieldType;
}

const USER_FIELDS = {
  open_id: { scope: 'user.info.basic', type: 'string' },
  union_id: { scope: 'user.info.basic', type: 'string' },
  avatar_url: { scope: 'user.info.basic', type: 'string' },
  avatar_url_100: { scope: 'user.info.basic', type: 'string' },
  avatar_large_url: { scope: 'user.info.basic', type: 'string' },
  display_name: { scope: 'user.info.basic', type: 'string' },
  bio_description: { scope: 'user.info.profile', type: 'string' },
  profile_deep_link: { scope: 'user.info.profile', type: 'string' },
  is_verified: { scope: 'user.info.profile', type: 'boolean' },
  username: { scope: 'user.info.profile', type: 'string' },
  follower_count: { scope: 'user.info.stats', type: 'integer' },
  following_count: { scope: 'user.info.stats', type: 'integer' },
  likes_count: { scope: 'user.info.stats', type: 'integer' },
  video_count: { scope: 'user.info.stats', type: 'integer' },
} as const satisfies Record<string, FieldSpec>;

const VIDEO_FIELDS = {
  id: { scope: 'video.list', type: 'string' },
  create_time: { scope: 'video.list', type: 'integer' },
  cover_image_url: { scope: 'video.list', type: 'string' },
  share_url: { scope: 'video.list', type: 'string' },
  video_description: { scope: 'video.list', type: 'string' },
  duration: { scope: 'video.list', type: 'integer' },
  height: { scope: 'video.list', type: 'integer' },
  width: { scope: 'video.list', type: 'integer' },
  title: { scope: 'video.list', type: 'string' },
  embed_html: { scope: 'video.list', type: 'string' },
  embed_link: { scope: 'video.list', type: 'string' },
  like_count: { scope: 'video.list', type: 'integer' },
  comment_count: { scope: 'video.list', type: 'integer' },
  share_count: { scope: 'video.list', type: 'integer' },
  view_count: { scope: 'video.list', type: 'integer' },
  // Added by TikTok in 2025: the video is labelled AI-generated content.
  is_aigc: { scope: 'video.list', type: 'boolean' },
} as const satisfies Record<string, FieldSpec>;

export const FIELD_CATALOGUE: Readonly<Record<ReportType, Readonly<Record<string, FieldSpec>>>> = Object.freeze({
  profile: USER_FIELDS,
  'video-list': VIDEO_FIELDS,
  'video-query': VIDEO_FIELDS,
});

/** The scope TikTok requires to call the report's endpoint at all (missing: `scope_not_authorized`). */
export const ENDPOINT_SCOPE: Readonly<Record<ReportType, TikTokScope>> = Object.freeze({
  profile: 'user.info.basic',
  'video-list': 'video.list',
  'video-query': 'video.list',
});

export function isScope(value: string): value is TikTokScope {
  return (ALL_SCOPES as readonly string[]).includes(value);
}

/** All field names valid for a report type, in catalogue order. */
export function reportFields(reportType: ReportType): string[] {
  return Object.keys(FIELD_CATALOGUE[reportType]);
}

/** The scope a field needs, or undefined when the field is not valid for the report type. */
export function scopeForField(reportType: ReportType, field: string): TikTokScope | undefined {
  return Object.hasOwn(FIELD_CATALOGUE[reportType], field) ? FIELD_CATALOGUE[reportType][field]!.scope : undefined;
}

/** Requested fields that the report type does not know (in request order, without repeats). */
export function unknownFields(reportType: ReportType, fields: readonly string[]): string[] {
  return [...new Set(fields.filter((f) => scopeForField(reportType, f) === undefined))];
}

/** Every scope needed to request these fields with this report type: the endpoint's scope first. */
export function requiredScopes(reportType: ReportType, fields: readonly string[]): TikTokScope[] {
  const scopes = new Set<TikTokScope>([ENDPOINT_SCOPE[reportType]]);
  for (const field of fields) {
    const scope = scopeForField(reportType, field);
    if (scope) scopes.add(scope);
  }
  return [...scopes];
}

/** Scopes needed for the request but absent from the granted list. */
export function missingScopes(reportType: ReportType, fields: readonly string[], granted: readonly string[]): TikTokScope[] {
  return requiredScopes(reportType, fields).filter((s) => !granted.includes(s));
}

/** Splits one of TikTok's comma-separated lists (`scope`, `scopes`, `fields`), dropping blanks. */
export function parseCommaList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

