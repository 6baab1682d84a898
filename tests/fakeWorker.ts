// A stand-in for a worker, for the tests of the compute client and of what the page does when a worker fails.
import type { WorkerLike } from '../src/compute/client';
import type { Inbound, Reply } from '../src/protocol';

/** A stand-in worker: records what is posted and lets the test answer. */
export class FakeWorker implements WorkerLike {
  posted: { message: Inbound; transfer: Transferable[] }[] = [];
  terminated = false;
  private listeners = new Map<string, ((event: { data?: unknown; message?: string }) => void)[]>();
  /** When set, answers every request itself (an echo worker). */
  autoReply?: (message: Inbound) => Reply[];

  postMessage(message: Inbound, transfer: Transferable[]): void {
    this.posted.push({ message, transfer });
    const replies = this.autoReply?.(message) ?? [];
    queueMicrotask(() => replies.forEach((r) => this.reply(r)));
  }
  addEventListener(type: 'message' | 'error', listener: (event: { data?: unknown; message?: string }) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  terminate(): void {
    this.terminated = true;
  }
  reply(data: Reply): void {
    for (const l of this.listeners.get('message') ?? []) l({ data });
  }
  fail(message: string): void {
    for (const l of this.listeners.get('error') ?? []) l({ message });
  }
  lastId(): number {
    return this.posted[this.posted.length - 1].message.id;
  }
}
