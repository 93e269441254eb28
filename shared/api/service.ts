/** The service's name and API version (health answer, OpenAPI info), apart so the meta Lambda needs no schemas. */
export const SERVICE_NAME = 'tiktok-connector';
/** The HTTP API contract's version (OpenAPI info.version); the release is SERVICE_VERSION (version.ts). */
export const API_VERSION = '1.0.0';
