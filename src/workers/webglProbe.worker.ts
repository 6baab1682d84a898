// A throwaway worker that probes WebGL2 (backendProbe's probeWebgl) and closes: the model worker starts it so the
// context's creation runs beside tfjs's download rather than blocking the model worker's thread.
import { probeWebgl } from '../models/backendProbe';

const scope = self as unknown as { postMessage(message: unknown): void; close(): void };
scope.postMessage(probeWebgl());
scope.close();
