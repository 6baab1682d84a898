// Answers kept on the page by request kind and key (the hooks' `remember` option, and answers asked for ahead of
// the render that needs them). React-free, so start-up code can fill it before the app has loaded.
import { LruMap } from '../core/lru';
import type { PayloadOf, RequestKind, ResultOf } from '../protocol';
import { getComputeClient } from './client';

/**
 * The most recent answers, within a number of entries and of bytes in their typed arrays. A key seen before (a
 * working size or patch size just left) then has its answer in the render that asks for it, with no round trip to
 * the worker, whose reply would wait behind the page's own work.
 */
export const REMEMBER_LIMITS = { entries: 24, bytes: 48 * 2 ** 20 };
const answers = new LruMap<string, unknown>({ entries: REMEMBER_LIMITS.entries, weight: REMEMBER_LIMITS.bytes });

/** The bytes of the typed arrays an answer holds (plain objects and arrays walked; numbers and strings not counted). */
export function typedBytes(value: unknown, depth = 0): number {
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (value === null || typeof value !== 'object' || depth > 6) return 0;
  let sum = 0;
  for (const v of Array.isArray(value) ? value : Object.values(value)) sum += typedBytes(v, depth + 1);
  return sum;
}

/** A remembered answer, made the most recent; undefined if none. */
export function recallAnswer<K extends RequestKind>(kind: K, key: string): ResultOf<K> | undefined {
  return answers.get(`${kind}\n${key}`) as ResultOf<K> | undefined;
}

/** Keeps an answer by kind and key, unless it alone would take more than a quarter of the bytes allowed. */
export function keepAnswer<K extends RequestKind>(kind: K, key: string, result: ResultOf<K>): void {
  const bytes = typedBytes(result);
  if (bytes > REMEMBER_LIMITS.bytes / 4) return; // one answer may not crowd out the rest
  answers.set(`${kind}\n${key}`, result, bytes);
}

/**
 * Asks the worker now for the answer a render will need under `key`, and keeps it: a view that asks with
 * `remember` then has it in its first render. Resolves once it is kept, or the request failed or was superseded
 * (the view then asks itself, and shows any error).
 */
export function askAhead<K extends RequestKind>(kind: K, key: string, payload: PayloadOf<K>): Promise<void> {
  if (recallAnswer(kind, key) !== undefined) return Promise.resolve();
  return getComputeClient().request(kind, payload).then(
    (result) => keepAnswer(kind, key, result),
    () => undefined,
  );
}

/** Forgets every remembered answer (tests). */
export function forgetAnswers(): void {
  answers.clear();
}

/** How many answers are remembered, and their typed arrays' bytes (tests). */
export function rememberedAnswers(): { entries: number; bytes: number } {
  return { entries: answers.size, bytes: answers.weight };
}
