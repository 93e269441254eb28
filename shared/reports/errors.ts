/** Errors of the report domain, with the codes and statuses of the API contract (docs/architecture.md "Errors"). */
import { AppError } from '../errors.ts';

/**
 * 403 `scope_not_granted`: the account owner did not grant a scope the request needs. Raised before
 * any TikTok call when the datasource's granted scopes fall short, and when TikTok itself refuses
 * with `scope_not_authorized` / `scope_permission_missed`.
 */
export class ScopeNotGrantedError extends AppError {
  readonly missingScopes: string[];

  constructor(
    message: string,
    missing: ReadonlyArray<{ scope: string; fields: string[] }>,
    extra: Record<string, unknown> = {},
  ) {
    super('forbidden', 'scope_not_granted', message, {
      field: 'fields',
      details: {
        missingScopes: missing.map((m) => m.scope),
        fieldsByScope: Object.fromEntries(missing.map((m) => [m.scope, m.fields])),
        ...extra,
      },
    });
    this.name = 'ScopeNotGrantedError';
    this.missingScopes = missing.map((m) => m.scope);
  }
}
