import * as ops from '../../shared/api/operations/connect.ts';
import { connectDeps, createConnectLink, errorPage, linkBusyPage, linkGonePage, linkNotFoundPage, openConnectLink } from '../../shared/connect/index.ts';
import { html, httpHandler, json, redirect, routeDispatcher } from '../../shared/http/index.ts';
import { logger } from '../../shared/logger.ts';

export const handler = routeDispatcher({
  createConnectLink: httpHandler(ops.createConnectLink, async (req) => {
    const link = await createConnectLink(connectDeps(), { tenantId: req.tenantId, name: req.body.name, expiresInHours: req.body.expiresInHours });
    return json(201, link);
  }),
  // A browser route: every answer is a page, never a JSON error.
  openConnectLink: httpHandler(ops.openConnectLink, async (req) => {
    try {
      const result = await openConnectLink(connectDeps(), req.params.linkId);
      if (result.kind === 'redirect') return redirect(result.location);
      if (result.kind === 'gone') return html(410, linkGonePage(result.reason));
      if (result.kind === 'busy') return html(429, linkBusyPage(result.retryAfterSeconds), { 'retry-after': String(result.retryAfterSeconds) });
      return html(404, linkNotFoundPage());
    } catch (err) {
      logger.error('Opening a connect link failed', { error: err as Error });
      return html(500, errorPage('Something went wrong on our side', 'Please try the connect link again in a few minutes.', 'internal_error'));
    }
  }),
});
