// A worker's dispatch, kept apart from the worker globals so Node tests can drive it directly: requests in,
// progress and results out, cancellation, and channels on which a newer request supersedes an older one. Each
// request kind is answered by one host from the HOSTS table; model hosts load on first use, so the analysis
// worker never pulls in tfjs.
import { initBackend as startBackend, tensorMemory } from '../models/backend';
import {
  ANALYSIS_CHANNELS,
  BACKEND_CHANNELS,
  CANCELLED,
  CHANNEL,
  DENOISER_CHANNELS,
  PATCH_MODEL_CHANNELS,
  RQAE_MODEL_CHANNELS,
  type BackendName,
  type BackendStatus,
  type Inbound,
  type Reply,
  type Request,
  type RequestKind,
} from '../protocol';
import { createAnalysisHost } from './hosts/analysis';
import { yieldToQueue, type ModelContext } from './hosts/hostHelpers';
import type { PatchModelHostOptions } from './hosts/patchModel';
import type { DenoiserHostOptions } from './hosts/denoiser';
import type { RqaeModelHostOptions } from './hosts/rqaeModel';

export interface ComputeHandlerDeps {
  post: (reply: Reply) => void;
  /** Injectable so tests need not start tfjs. */
  initBackend?: (preferred: BackendName | undefined, onChange: (status: BackendStatus) => void) => Promise<BackendStatus>;
  /** Options of the patch transformers' host (tests pass a file fetch and an in-memory store). */
  patchModel?: Omit<PatchModelHostOptions, 'ready'>;
  /** Options of the denoisers' host (tests pass a file fetch and an in-memory store). */
  denoiser?: Omit<DenoiserHostOptions, 'ready'>;
  /** Options of the RQ auto-encoders' host (tests pass a file fetch and an in-memory store). */
  rqaeModel?: Omit<RqaeModelHostOptions, 'ready'>;
  /** The clock that paces progress replies (ms); tests pass their own. */
  now?: () => number;
}

/** What answers a group of request kinds. `clear` drops state a lost backend invalidates (model tensors). */
interface Host {
  handle(req: Request, ctx: ModelContext): Promise<unknown>;
  clear?(): void;
}

type HostName = 'backend' | 'analysis' | 'patchModel' | 'denoiser' | 'rqaeModel';

/** Which host answers each request kind, from the protocol's channel tables (one entry per kind). */
const HOST_OF: Record<RequestKind, HostName> = Object.fromEntries(
  (
    [
      ['backend', BACKEND_CHANNELS],
      ['analysis', ANALYSIS_CHANNELS],
      ['patchModel', PATCH_MODEL_CHANNELS],
      ['denoiser', DENOISER_CHANNELS],
      ['rqaeModel', RQAE_MODEL_CHANNELS],
    ] as const
  ).flatMap(([host, channels]) => Object.keys(channels).map((kind) => [kind, host])),
) as Record<RequestKind, HostName>;

type Job = { id: number; channel: string; cancelled: boolean; abort: AbortController };

/** Replies of one label that carry no data go at most once per this many ms (see progressReplies). */
export const PROGRESS_MS = 100;

/**
 * A job's progress replies, paced. One that carries data (a training run's loss, the lab's partial matrices, a
 * load's phase) always goes: the page keeps it. One without data only moves a bar and its label, and each costs the
 * page a render beside the job: the first of each label goes at once, later ones of the same label at most once per
 * PROGRESS_MS. (A 10-step U-Net sample sent ten, and the page's renders made it about a fifth slower.)
 */
export function progressReplies(id: number, post: (reply: Reply) => void, now: () => number): ModelContext['progress'] {
  let label: string | undefined;
  let sent = -Infinity;
  return (done, total, text, data) => {
    if (data === undefined) {
      const t = now();
      if (text === label && t - sent < PROGRESS_MS) return;
      label = text;
      sent = t;
    }
    post({ id, kind: 'progress', done, total, label: text, data });
  };
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}


export function createComputeHandler({ post, initBackend = startBackend, patchModel, denoiser, rqaeModel, now = () => performance.now() }: ComputeHandlerDeps): (msg: Inbound) => Promise<void> {
  // Model work needs a running backend: the UI starts one at once, but a model request may come first.
  let backendReady: Promise<BackendStatus> | null = null;
  const hosts = new Map<HostName, Promise<Host>>();
  const backendChanged = (status: BackendStatus) => {
    for (const host of hosts.values()) void host.then((h) => h.clear?.()); // tensors are gone with a lost backend
    post({ id: -1, kind: 'backend-changed', status });
  };
  const startBackendOnce = (preferred?: BackendName) => {
    const started = initBackend(preferred, backendChanged);
    backendReady = started;
    started.catch(() => backendReady === started && (backendReady = null));
    return started;
  };
  const ready = () => backendReady ?? startBackendOnce();

  /** How each host is made: the model hosts are imported on first use. */
  const HOSTS: Record<HostName, () => Promise<Host>> = {
    backend: async () => ({
      handle: async (req) => (req.kind === 'init-backend' ? startBackendOnce(req.preferred) : tensorMemory()),
    }),
    analysis: async () => createAnalysisHost() as Host,
    patchModel: () => import('./hosts/patchModel').then((m) => m.createPatchModelHost({ ...patchModel, ready }) as Host),
    denoiser: () => import('./hosts/denoiser').then((m) => m.createDenoiserHost({ ...denoiser, ready }) as Host),
    rqaeModel: () => import('./hosts/rqaeModel').then((m) => m.createRqaeModelHost({ ...rqaeModel, ready }) as Host),
  };

  function hostFor(kind: RequestKind): Promise<Host> {
    const name = HOST_OF[kind];
    if (!name) return Promise.reject(new Error(`unknown request kind '${String(kind)}'`));
    let host = hosts.get(name);
    if (!host) {
      host = HOSTS[name]();
      hosts.set(name, host);
      host.catch(() => hosts.get(name) === host && hosts.delete(name)); // a failed import may succeed next time
    }
    return host;
  }

  const pending = new Map<number, Job>();
  const channels = new Map<string, Job>();

  function cancel(job: Job): void {
    if (job.cancelled) return;
    job.cancelled = true;
    job.abort.abort();
    post({ id: job.id, kind: 'error', message: CANCELLED });
  }

  return async function handle(msg: Inbound): Promise<void> {
    if (msg.kind === 'cancel') {
      const job = pending.get(msg.id);
      if (job) cancel(job);
      return;
    }
    const channel = CHANNEL[msg.kind] ?? msg.kind;
    const older = channels.get(channel);
    if (older) cancel(older); // a newer request on the same channel makes the older one pointless
    const job: Job = { id: msg.id, channel, cancelled: false, abort: new AbortController() };
    pending.set(job.id, job);
    channels.set(channel, job);
    try {
      await yieldToQueue();
      if (job.cancelled) return;
      const host = await hostFor(msg.kind);
      const result = await host.handle(msg, {
        cancelled: () => job.cancelled,
        signal: job.abort.signal,
        progress: progressReplies(job.id, post, now),
      });
      // Results are never transferred: cached ones must stay intact here.
      if (!job.cancelled) post({ id: job.id, kind: 'result', result });
    } catch (e) {
      if (!job.cancelled) post({ id: job.id, kind: 'error', message: errorMessage(e) });
    } finally {
      pending.delete(job.id);
      if (channels.get(channel) === job) channels.delete(channel);
    }
  };
}
