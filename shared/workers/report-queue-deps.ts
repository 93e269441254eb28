/** The composition root of report-generate: the production wiring of the report queue's consumer. */
import { defaultAlertDeps } from '../alerts/default-deps.ts';
import { appContext } from '../context.ts';
import { defaultDeliveryDeps } from '../delivery/default-deps.ts';
import { defaultExportJobDeps } from '../exports/job-deps.ts';
import { reportQueue } from '../queue/index.ts';
import { defaultDownloadSigner } from '../store/download.ts';
import { perContainer } from './per-container.ts';
import type { ReportWorkerDeps } from './report-queue.ts';

export const reportWorkerDeps = perContainer(
  (): ReportWorkerDeps => ({
    delivery: defaultDeliveryDeps(),
    exportJob: defaultExportJobDeps,
    alerts: defaultAlertDeps(),
    // Resolved at each send: the local runtime registers its stand-in (overrideReportQueue).
    queue: reportQueue,
    signer: () => defaultDownloadSigner(appContext().config),
  }),
);
