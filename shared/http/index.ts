/** The HTTP layer: one public entry. */
export { httpHandler, routeDispatcher } from './handler.ts';
export { rawBodyText } from './request.ts';
export { json, html, text, noContent, redirect, MAX_RESPONSE_BYTES } from './responses.ts';
