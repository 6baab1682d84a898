// The model worker (a module worker): tfjs and everything that trains or runs a model. Same protocol and
// handler as the analysis worker (analysis.worker.ts); the client routes model requests here.
import { serveWorker } from './serve';

serveWorker();
