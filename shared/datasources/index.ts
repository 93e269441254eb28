/** Public entry of the datasources concern: connected TikTok accounts of a tenant. */
export {
  DATASOURCE_STATUSES,
  datasourceView,
  publicDatasource,
  type Datasource,
  type DatasourceRecord,
  type DatasourceRef,
  type DatasourceStatus,
  type DatasourceView,
} from './model.ts';
export { datasourceNotFound, needsReauthError } from './errors.ts';
export { datasourceCheck, getDatasource, getDatasourceRecord, listDatasources, type DatasourcePage, type DatasourceStoreDeps } from './store.ts';
export { saveConnectedAccount, type ConnectedAccount, type SavedConnection } from './save-connected.ts';
export { deleteDatasource, type DeleteDatasourceDeps, type DeleteResult } from './delete.ts';
