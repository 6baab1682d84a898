import { afterEach, describe, expect, it, vi } from 'vitest';
import { createComputeClient, getComputeClient, holdBackgroundUntil, MAX_RESTARTS, workerFor, type WorkerLike } from '../../../src/compute/client';
import type { BackendStatus, Inbound } from '../../../src/protocol';
import { FakeWorker } from '../../fakeWorker';

const image = () => ({ width: 1, height: 1, data: new Float32Array([0.1, 0.2, 0.3]), hash: 'abc' });
const status: BackendStatus = { active: 'wasm', reason: 'r', order: ['wasm', 'cpu'], failures: [], available: ['wasm', 'cpu'] };

describe('createComputeClient', () => {
  it('resolves each request by its id, whatever order the answers come in', async () => {
    const w = new FakeWorker();
    const client = createComputeClient(w);
    const a = client.request('init-backend', {});
    const b = client.request('init-backend', { preferred: 'cpu' });
    const [idA, idB] = w.posted.map((p) => p.message.id);
    expect(idA).not.toBe(idB);
    expect(w.posted[1].message).toEqual({ id: idB, kind: 'init-backend', preferred: 'cpu' });
    w.reply({ id: idB, kind: 'result', result: { ...status, active: 'cpu' } });
    w.reply({ id: idA, kind: 'result', result: status });
    expect((await a).active).toBe('wasm');
    expect((await b).active).toBe('cpu');
  });

  it('works with an echo worker that answers by itself', async () => {
    const w = new FakeWorker();
    w.autoReply = (m) => [{ id: m.id, kind: 'result', result: { echoed: m.kind } }];
    const client = createComputeClient(w);
    expect(await client.request('init-backend', {})).toEqual({ echoed: 'init-backend' });
  });

  it('reports progress before resolving', async () => {
    const w = new FakeWorker();
    w.autoReply = (m) => [
      { id: m.id, kind: 'progress', done: 0, total: 2, label: 'start' },
      { id: m.id, kind: 'progress', done: 2, total: 2 },
      { id: m.id, kind: 'result', result: 'done' },
    ];
    const seen: [number, number, string | undefined][] = [];
    const result = await createComputeClient(w).request('bitplane-analysis', { image: image() }, {
      onProgress: (done, total, label) => seen.push([done, total, label]),
    });
    expect(result).toBe('done');
    expect(seen).toEqual([[0, 2, 'start'], [2, 2, undefined]]);
  });

  it('rejects with the worker message on an error reply', async () => {
    const w = new FakeWorker();
    w.autoReply = (m) => [{ id: m.id, kind: 'error', message: 'bad image' }];
    await expect(createComputeClient(w).request('bitplane-analysis', { image: image() })).rejects.toThrow('bad image');
  });

  it('rejects with an AbortError on abort, sends a cancel, and ignores a late answer', async () => {
    const w = new FakeWorker();
    const client = createComputeClient(w);
    const abort = new AbortController();
    const p = client.request('bitplane-analysis', { image: image() }, { signal: abort.signal });
    const id = w.lastId();
    abort.abort();
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(w.posted[1].message).toEqual({ id, kind: 'cancel' });
    w.reply({ id, kind: 'result', result: 'late' }); // must not throw or resolve anything
  });

  it('rejects at once, sending nothing, when the signal is already aborted', async () => {
    const w = new FakeWorker();
    const abort = new AbortController();
    abort.abort();
    await expect(createComputeClient(w).request('init-backend', {}, { signal: abort.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(w.posted).toEqual([]);
  });

  it('turns a "cancelled" reply (superseded by a newer request) into an AbortError', async () => {
    const w = new FakeWorker();
    w.autoReply = (m) => [{ id: m.id, kind: 'error', message: 'cancelled' }];
    await expect(createComputeClient(w).request('init-backend', {})).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('transfers the image buffer it was given, but copies a view into a larger buffer', () => {
    const w = new FakeWorker();
    const client = createComputeClient(w);
    const own = image();
    void client.request('bitplane-analysis', { image: own });
    expect(w.posted[0].transfer).toEqual([own.data.buffer]);

    const big = new Float32Array(30);
    const view = { ...image(), data: big.subarray(3, 6) };
    void client.request('bitplane-analysis', { image: view });
    const sent = w.posted[1];
    expect(sent.transfer).toHaveLength(1);
    expect(sent.transfer[0]).not.toBe(big.buffer);
    expect(sent.message.kind === 'bitplane-analysis' && sent.message.image.data.length).toBe(3);
  });

  it('shares an image in shared memory instead of transferring or copying it', () => {
    const w = new FakeWorker();
    const client = createComputeClient(w);
    const data = new Float32Array(new SharedArrayBuffer(12));
    data.set([0.1, 0.2, 0.3]);
    void client.request('bitplane-analysis', { image: { ...image(), data } });
    expect(w.posted[0].transfer).toEqual([]);
    expect(w.posted[0].message.kind === 'bitplane-analysis' && w.posted[0].message.image.data).toBe(data);
  });

  it('forwards backend changes to subscribers until they unsubscribe', () => {
    const w = new FakeWorker();
    const client = createComputeClient(w);
    const seen: BackendStatus[] = [];
    const off = client.onBackendChange((s) => seen.push(s));
    w.reply({ id: -1, kind: 'backend-changed', status });
    off();
    w.reply({ id: -1, kind: 'backend-changed', status });
    expect(seen).toEqual([status]);
  });

  it('rejects pending requests when the worker fails, and later ones if it never answered', async () => {
    const w = new FakeWorker();
    const client = createComputeClient(w);
    const p = client.request('init-backend', {});
    w.fail('script failed to load');
    await expect(p).rejects.toThrow('script failed to load');
    await expect(client.request('init-backend', {})).rejects.toThrow('script failed to load');
  });

  it('restarts a worker that crashes after answering: pending requests fail saying so, later ones reach the new worker', async () => {
    const started: FakeWorker[] = [];
    const client = createComputeClient(() => {
      const w = new FakeWorker();
      w.autoReply = (m) => (m.kind === 'init-backend' ? [{ id: m.id, kind: 'result', result: status }] : []);
      started.push(w);
      return w;
    });
    expect(await client.request('init-backend', {})).toEqual(status);
    const inFlight = client.request('bitplane-analysis', { image: image() });
    started[0].fail('Uncaught RangeError: Array buffer allocation failed');
    await expect(inFlight).rejects.toThrow('the compute worker crashed: Uncaught RangeError: Array buffer allocation failed and was restarted; try again');
    expect(started).toHaveLength(2);
    expect(started[0].terminated).toBe(true);
    expect(await client.request('init-backend', {})).toEqual(status);
    expect(started[1].posted.map((p) => p.message.kind)).toEqual(['init-backend']);
    // A late answer from the crashed worker is ignored.
    started[0].reply({ id: 1, kind: 'result', result: 'stale' });
  });

  it('stops restarting a worker that keeps crashing, and then fails requests at once', async () => {
    const started: FakeWorker[] = [];
    const client = createComputeClient(() => {
      const w = new FakeWorker();
      w.autoReply = (m) => [{ id: m.id, kind: 'result', result: status }];
      started.push(w);
      return w;
    });
    for (let i = 0; i <= MAX_RESTARTS; i++) {
      await client.request('init-backend', {});
      started[started.length - 1].fail('boom');
    }
    expect(started).toHaveLength(MAX_RESTARTS + 1);
    await expect(client.request('init-backend', {})).rejects.toThrow(`the compute worker crashed: boom, ${MAX_RESTARTS + 1} times; reload the page`);
  });

  it('does not restart a worker whose script never loaded', async () => {
    const started: FakeWorker[] = [];
    const client = createComputeClient(() => {
      started.push(new FakeWorker());
      return started[started.length - 1];
    });
    const p = client.request('init-backend', {});
    started[0].fail('script failed to load');
    await expect(p).rejects.toThrow('compute worker failed: script failed to load');
    await expect(client.request('init-backend', {})).rejects.toThrow('compute worker failed: script failed to load');
    expect(started).toHaveLength(1);
  });

  it('works with a worker that only has onmessage', async () => {
    const posted: Inbound[] = [];
    const w: WorkerLike = { postMessage: (m) => posted.push(m), onmessage: null, terminate: () => {} };
    const client = createComputeClient(w);
    const p = client.request('init-backend', {});
    w.onmessage?.({ data: { id: posted[0].id, kind: 'result', result: status } } as MessageEvent);
    expect(await p).toEqual(status);
  });

  it('rejects what is pending and terminates the worker on dispose', async () => {
    const w = new FakeWorker();
    const client = createComputeClient(w);
    const p = client.request('init-backend', {});
    client.dispose();
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(w.terminated).toBe(true);
    await expect(client.request('init-backend', {})).rejects.toThrow('disposed');
  });
});

describe('getComputeClient (three workers)', () => {
  /** Stands in for the browser's Worker: remembers each instance's script and what it was sent. */
  class StubWorker {
    static made: StubWorker[] = [];
    posted: Inbound[] = [];
    terminated = false;
    constructor(public url: URL | string) {
      StubWorker.made.push(this);
    }
    postMessage(message: Inbound): void {
      this.posted.push(message);
    }
    addEventListener(): void {}
    terminate(): void {
      this.terminated = true;
    }
  }

  afterEach(() => {
    getComputeClient().dispose();
    StubWorker.made = [];
    vi.unstubAllGlobals();
  });

  it('routes the rate–distortion curves to a background worker, apart from the interactive analyses and the models', () => {
    expect(workerFor('depth-rd')).toBe('background');
    for (const kind of ['depth-view', 'bitplane-analysis', 'patch-stats', 'diffusion-spectra'] as const) expect(workerFor(kind)).toBe('analysis');
    expect(workerFor('init-backend')).toBe('model');
  });

  it('sends a depth view to the analysis worker while the RD curves run in the other one', () => {
    vi.stubGlobal('Worker', StubWorker);
    const client = getComputeClient();
    void client.request('depth-rd', { image: image(), specs: [{ kind: 'dct-whole', step: 1 / 255 }] }).catch(() => {});
    void client.request('depth-view', { image: image(), spec: { kind: 'bitplanes' }, d: 1 }).catch(() => {});
    void client.request('bitplane-analysis', { image: image() }).catch(() => {});
    expect(StubWorker.made).toHaveLength(2);
    const [background, analysis] = StubWorker.made;
    expect(String(background.url)).toMatch(/workers\/analysis\.worker\.ts$/);
    expect(String(analysis.url)).toMatch(/workers\/analysis\.worker\.ts$/);
    expect(background.posted.map((m) => m.kind)).toEqual(['depth-rd']);
    expect(analysis.posted.map((m) => m.kind)).toEqual(['depth-view', 'bitplane-analysis']);
  });

  it('terminates all the workers it started on dispose', () => {
    vi.stubGlobal('Worker', StubWorker);
    const client = getComputeClient();
    void client.request('depth-rd', { image: image(), specs: [] }).catch(() => {});
    void client.request('depth-view', { image: image(), spec: { kind: 'bitplanes' }, d: 1 }).catch(() => {});
    client.dispose();
    expect(StubWorker.made.map((w) => w.terminated)).toEqual([true, true]);
  });

  it('holds background requests until start-up lets them go, and sends interactive ones at once', async () => {
    vi.stubGlobal('Worker', StubWorker);
    let release!: () => void;
    holdBackgroundUntil(new Promise<void>((resolve) => (release = resolve)));
    const client = getComputeClient();
    void client.request('depth-rd', { image: image(), specs: [] }).catch(() => {});
    void client.request('bitplane-analysis', { image: image() }).catch(() => {});
    await Promise.resolve();
    expect(StubWorker.made.flatMap((w) => w.posted.map((m) => m.kind))).toEqual(['bitplane-analysis']);
    release();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(StubWorker.made.flatMap((w) => w.posted.map((m) => m.kind)).sort()).toEqual(['bitplane-analysis', 'depth-rd']);
  });

  it('takes over the analysis worker the page started, instead of starting a second one', () => {
    vi.stubGlobal('Worker', StubWorker);
    const early = new StubWorker('analysis.worker-early.js');
    (globalThis as { __analysisWorker?: unknown }).__analysisWorker = early;
    const client = getComputeClient();
    void client.request('bitplane-analysis', { image: image() }).catch(() => {});
    expect(StubWorker.made).toEqual([early]);
    expect(early.posted.map((m) => m.kind)).toEqual(['bitplane-analysis']);
    expect((globalThis as { __analysisWorker?: unknown }).__analysisWorker).toBeUndefined();
  });
});
