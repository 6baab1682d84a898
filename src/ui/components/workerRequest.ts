// Small helpers for the model sections' requests to the model worker.

/** Whether a request failed only because it was cancelled (aborted, or superseded by a newer one). */
export function isAbort(e: unknown): boolean {
  return (e as Error)?.name === 'AbortError';
}

/** A rejection's message, for the error shown in place. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The app's public folder as an absolute URL: the worker resolves relative URLs against its own script. */
export function publicBase(): string {
  return new URL('./', document.baseURI).href;
}
