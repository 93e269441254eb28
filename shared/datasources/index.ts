/** Public entry of the datasources concern: connected TikTok accounts of a tenant. */
export {
  datasourceView,
  } from './model.ts';
export { needsReauthError } from './errors.ts';
export { datasourceCheck, getDatasource, listDatasources } from './store.ts';
export { deleteDatasource, type DeleteDatasourceDeps } from './delete.ts';
