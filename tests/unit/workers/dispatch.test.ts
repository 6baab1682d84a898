import { describe, expect, it } from 'vitest';
import { analyzeBitplanes } from '../../../src/core/depth/bitplanes';
import { createComputeClient, type WorkerLike } from '../../../src/compute/client';
import { createComputeHandler, progressReplies, PROGRESS_MS, type ComputeHandlerDeps } from '../../../src/workers/dispatch';
import type { BackendStatus, DepthViewResult, ImagePayload, Inbound, Reply } from '../../../src/protocol';
import { imagePayload } from './testPayloads';

const status: BackendStatus = { active: 'cpu', reason: 'r', order: ['cpu'], failures: [], available: ['cpu'] };

const payload = (seed: number): ImagePayload => imagePayload(4, 3, (i) => ((i * 37 + seed * 11) % 256) / 255);

function setup(initBackend: ComputeHandlerDeps['initBackend'] = async () => status) {
  const replies: Reply[] = [];
  // A stopped clock: every progress reply of a job falls in its first PROGRESS_MS.
  const handle = createComputeHandler({ post: (r) => replies.push(r), initBackend, now: () => 0 });
  return { replies, handle };
}

describe('createComputeHandler', () => {
  it('analyses bit-planes with progress, then answers from its cache', async () => {
    const { replies, handle } = setup();
    const image = payload(1);
    await handle({ id: 1, kind: 'bitplane-analysis', image });
    // 0 of 1, then 1 of 1 under the same label within PROGRESS_MS: only the first goes, then the result.
    expect(replies.map((r) => r.kind)).toEqual(['progress', 'result']);
    expect(replies[0]).toMatchObject({ id: 1, kind: 'progress', done: 0, total: 1 });
    expect(replies[1]).toEqual({ id: 1, kind: 'result', result: analyzeBitplanes(image) });

    replies.length = 0;
    await handle({ id: 2, kind: 'bitplane-analysis', image });
    expect(replies.map((r) => r.kind)).toEqual(['result']);
  });

  it('reports no tensor memory before tfjs has started (the analysis worker never loads it)', async () => {
    const { replies, handle } = setup();
    await handle({ id: 1, kind: 'tf-memory' });
    expect(replies).toEqual([{ id: 1, kind: 'result', result: null }]);
  });

  it('answers an error for a malformed image', async () => {
    const { replies, handle } = setup();
    await handle({ id: 1, kind: 'bitplane-analysis', image: { ...payload(1), width: 5, hash: 'x' } });
    expect(replies).toEqual([{ id: 1, kind: 'error', message: expect.stringContaining('expected 45') }]);
  });

  it('keeps serving after a handler throws: the next request is answered as usual', async () => {
    const { replies, handle } = setup();
    await handle({ id: 1, kind: 'depth-view', image: payload(1), spec: { kind: 'bitplanes', order: 'msb' } as never, d: Number.NaN });
    expect(replies.at(-1)).toMatchObject({ id: 1, kind: 'error' });
    await handle({ id: 2, kind: 'bitplane-analysis', image: payload(1) });
    expect(replies.at(-1)).toEqual({ id: 2, kind: 'result', result: analyzeBitplanes(payload(1)) });
  });

  it('cancels a pending request on a cancel message', async () => {
    const { replies, handle } = setup();
    const done = handle({ id: 1, kind: 'bitplane-analysis', image: payload(1) });
    await handle({ id: 1, kind: 'cancel' });
    await done;
    expect(replies).toEqual([{ id: 1, kind: 'error', message: 'cancelled' }]);
  });

  it('lets a newer request on the same channel supersede an older one', async () => {
    const { replies, handle } = setup();
    const first = handle({ id: 1, kind: 'bitplane-analysis', image: payload(1) });
    const second = handle({ id: 2, kind: 'bitplane-analysis', image: payload(2) });
    await Promise.all([first, second]);
    expect(replies.filter((r) => r.id === 1)).toEqual([{ id: 1, kind: 'error', message: 'cancelled' }]);
    expect(replies.filter((r) => r.id === 2).at(-1)?.kind).toBe('result');
  });

  it('keeps RQ codes for the requested step only; per-step info carries codebook health numbers', async () => {
    const { replies, handle } = setup();
    const image = imagePayload(8, 8, (i) => ((i * 53) % 97) / 96);
    await handle({ id: 1, kind: 'depth-view', image, spec: { kind: 'rq', patch: 2, K: 4, depth: 3 }, d: 2 });
    const last = replies.at(-1);
    expect(last?.kind).toBe('result');
    const result = (last as Extract<Reply, { kind: 'result' }>).result as DepthViewResult;
    expect(result.d).toBe(2);
    expect(result.codes).toBeInstanceOf(Int32Array);
    expect(result.codes?.length).toBe(16);
    expect(result.steps).toHaveLength(3);
    for (const s of result.steps) {
      expect('codes' in s).toBe(false);
      expect('reconstruction' in s).toBe(false);
      expect(s.grid).toEqual({ rows: 4, cols: 4 });
      expect(s.codebookSize).toBe(4);
      expect(s.perplexity).toBeGreaterThanOrEqual(1);
      expect(s.perplexity).toBeLessThanOrEqual(4 + 1e-9);
      expect(s.deadCodes).toBeGreaterThanOrEqual(0);
    }

    replies.length = 0;
    await handle({ id: 2, kind: 'depth-view', image, spec: { kind: 'bitplanes' }, d: 1 });
    const bits = (replies.at(-1) as Extract<Reply, { kind: 'result' }>).result as DepthViewResult;
    expect(bits.codes).toBeNull();
    expect(bits.steps[0].perplexity).toBeUndefined();
  });

  it('starts the backend and forwards later backend changes', async () => {
    const changed = { ...status, active: 'wasm' as const };
    const { replies, handle } = setup(async (preferred, onChange) => {
      setTimeout(() => onChange(changed), 0);
      return { ...status, reason: `asked for ${preferred}` };
    });
    await handle({ id: 7, kind: 'init-backend', preferred: 'webgl' });
    await new Promise((r) => setTimeout(r, 5));
    expect(replies).toEqual([
      { id: 7, kind: 'result', result: { ...status, reason: 'asked for webgl' } },
      { id: -1, kind: 'backend-changed', status: changed },
    ]);
  });
});

describe('client and handler together', () => {
  it('round-trips a bit-plane analysis, transferring a copy the caller keeps intact', async () => {
    let handle: (m: Inbound) => Promise<void> = async () => {};
    // A loopback "worker": structuredClone with transfer detaches buffers exactly as postMessage does.
    const listeners: ((e: { data?: unknown }) => void)[] = [];
    const worker: WorkerLike = {
      postMessage: (m, transfer) => void handle(structuredClone(m, { transfer })),
      addEventListener: (type, l) => void (type === 'message' && listeners.push(l)),
      terminate: () => {},
    };
    handle = createComputeHandler({ post: (r) => listeners.forEach((l) => l({ data: structuredClone(r) })), now: () => 0 });
    const client = createComputeClient(worker);
    const image = payload(3);
    const copy = { ...image, data: image.data.slice() };
    const progress: number[] = [];
    const result = await client.request('bitplane-analysis', { image: copy }, { onProgress: (d) => progress.push(d) });
    expect(result).toEqual(analyzeBitplanes(image));
    expect(progress).toEqual([0]); // 1 of 1 came within PROGRESS_MS of it, under the same label
    expect(copy.data.length).toBe(0); // transferred away
    expect(image.data.length).toBe(12 * 3); // the caller's own image is untouched
  });
});

describe('progressReplies', () => {
  it('sends the first reply of each label at once, the same label at most once per PROGRESS_MS, and every reply with data', () => {
    const sent: Reply[] = [];
    let t = 1000;
    const progress = progressReplies(7, (r) => sent.push(r), () => t);
    const step = (done: number, label: string, data?: unknown) => progress(done, 10, label, data);
    step(1, 'Sampling'); // first of its label
    t += 10; step(2, 'Sampling'); // 10 ms later, same label: dropped
    t += 10; step(3, 'Loading', undefined); // a new label goes at once
    const loadingSent = t;
    t += 10; step(4, 'Loading'); // dropped
    t = loadingSent + PROGRESS_MS - 1; step(5, 'Loading'); // PROGRESS_MS − 1 after the last sent 'Loading': dropped
    t = loadingSent + PROGRESS_MS; step(6, 'Loading'); // PROGRESS_MS after it: sent
    t += 1; step(7, 'Training', { loss: 0.5 }); // data: always
    t += 1; step(8, 'Training', { loss: 0.4 }); // data: always, even 1 ms later
    expect(sent.map((r) => (r.kind === 'progress' ? [r.done, r.label, r.data] : null))).toEqual([
      [1, 'Sampling', undefined], [3, 'Loading', undefined], [6, 'Loading', undefined], [7, 'Training', { loss: 0.5 }], [8, 'Training', { loss: 0.4 }],
    ]);
    expect(sent.every((r) => r.id === 7)).toBe(true);
  });
});
