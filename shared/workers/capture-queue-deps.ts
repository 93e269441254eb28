/** The composition root of history-capture: the production wiring of the capture queue's consumer. */
import { defaultCaptureJobDeps } from '../history/index.ts';
import { withLakeCommits } from '../lake/capture.ts';
import { captureQueue } from '../queue/capture.ts';
import type { CaptureWorkerDeps } from './capture-queue.ts';
import { perContainer } from './per-container.ts';

export const captureWorkerDeps = perContainer(
  (): CaptureWorkerDeps => ({
    captureJob: (onLakeWriteFailed) => withLakeCommits(defaultCaptureJobDeps(), onLakeWriteFailed),
    // Resolved at each send: the local runtime registers its stand-in (overrideCaptureQueue).
    queue: captureQueue,
  }),
);
