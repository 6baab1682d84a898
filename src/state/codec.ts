// Each slice owns the URL keys of its view state: it writes them and validates them on read.
export interface Decoded<T> {
  value: T;
  /** Human-readable notes on parameters that were out of range or unknown and were replaced. */
  problems: string[];
}

export interface UrlCodec<T> {
  encode(state: T): Record<string, string>;
  decode(params: URLSearchParams): Decoded<T>;
}

/** An integer parameter, clamped to [min, max]; missing → default; not a number → default with a note. */
export function readInt(
  params: URLSearchParams, key: string, min: number, max: number, fallback: number, problems: string[],
): number {
  const raw = params.get(key);
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n)) {
    problems.push(`“${key}=${raw}” is not a number; using ${fallback}.`);
    return fallback;
  }
  const v = Math.min(max, Math.max(min, Math.round(n)));
  if (v !== n) problems.push(`“${key}=${raw}” is outside ${min}…${max}; using ${v}.`);
  return v;
}

/** A parameter whitelisted to a fixed set of values. */
export function readChoice<T extends string | number>(
  params: URLSearchParams, key: string, choices: readonly T[], fallback: T, problems: string[],
): T {
  const raw = params.get(key);
  if (raw === null) return fallback;
  const hit = choices.find((c) => String(c) === raw);
  if (hit === undefined) {
    problems.push(`“${key}=${raw}” is not one of ${choices.join(', ')}; using ${fallback}.`);
    return fallback;
  }
  return hit;
}

/** A real parameter, clamped to [min, max] and rounded to `decimals`; missing → default. */
export function readNumber(
  params: URLSearchParams, key: string, min: number, max: number, fallback: number, problems: string[], decimals = 3,
): number {
  const raw = params.get(key);
  if (raw === null) return fallback;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) {
    problems.push(`“${key}=${raw}” is not a number; using ${fallback}.`);
    return fallback;
  }
  const v = Number(Math.min(max, Math.max(min, n)).toFixed(decimals));
  if (n < min || n > max) problems.push(`“${key}=${raw}” is outside ${min}…${max}; using ${v}.`);
  return v;
}
