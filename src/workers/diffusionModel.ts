// The model worker's denoisers (placeholder until the models land): every request fails with a clear message.
import type { DenoiserRequest, DenoiserResults } from './diffusionModelProtocol';

export interface DenoiserHostOptions {
  fetch?: (url: string) => Promise<Response>;
  /** Resolves once tfjs runs on a backend; awaited before any model work. */
  ready?: () => Promise<unknown>;
}

export interface DenoiserContext {
  cancelled(): boolean;
  progress(done: number, total: number, label: string, data?: unknown): void;
}

export interface DenoiserHost {
  handle(req: DenoiserRequest, ctx: DenoiserContext): Promise<DenoiserResults[DenoiserRequest['kind']]>;
  clear(): void;
}

export function createDenoiserHost(options: DenoiserHostOptions = {}): DenoiserHost {
  void options;
  return {
    handle: async (req) => {
      throw new Error(`${req.kind}: the denoisers are not available yet`);
    },
    clear: () => {},
  };
}
