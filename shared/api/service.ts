/** The service's name and API version (health answer, OpenAPI info), apart so the meta Lambda needs no schemas. */
export const SERVICE_NAME = 'tiktok-connector';
export const API_VERSION = '1.0.0';
