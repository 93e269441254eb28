import { getHealth, getOpenApi } from '../../shared/api/operations/meta.ts';
import { SERVICE_NAME } from '../../shared/api/service.ts';
import { SERVICE_VERSION } from '../../shared/api/version.ts';
import openApiDocument from '../../shared/api/openapi.json' with { type: 'json' };
import { appContext } from '../../shared/context.ts';
import { httpHandler, json, routeDispatcher } from '../../shared/http/index.ts';

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
  getOpenApi: httpHandler(getOpenApi, async () => json(200, openApiDocument, { 'cache-control': 'public, max-age=300' })),
});
