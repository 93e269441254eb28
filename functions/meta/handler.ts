import { getHealth, getOpenApi } from '../../shared/api/operations/meta.ts';
import { SERVICE_NAME } from '../../shared/api/service.ts';
import { SERVICE_VERSION } from '../../shared/api/version.ts';
import { openApiBody } from '../../shared/api/openapi-body.ts';
import { appContext } from '../../shared/context.ts';
import { httpHandler, json, routeDispatcher, text } from '../../shared/http/index.ts';

export const handler = routeDispatcher({
  getHealth: httpHandler(getHealth, async () => {
    const ctx = appContext();
    return json(200, {
      status: 'ok',
      service: SERVICE_NAME,
      version: SERVICE_VERSION,
      stage: ctx.config.stage,
      time: new Date(ctx.clock.now()).toISOString(),
    });
  }),
  getOpenApi: httpHandler(getOpenApi, async () => text(200, openApiBody(), 'application/json; charset=utf-8', { 'cache-control': 'public, max-age=300' })),
});
