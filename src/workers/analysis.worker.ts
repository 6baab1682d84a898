// The analysis worker (a module worker): per-image analyses off the UI thread. Model work has its own
// worker (model.worker.ts) so a training run never delays an analysis. All logic is in dispatch.ts and hosts/analysis.ts.
import { serveWorker } from './serve';

serveWorker();
