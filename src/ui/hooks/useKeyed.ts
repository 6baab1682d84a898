// A value whose identity changes only with its key: what a memo or chart built from it depends on.
import { useRef } from 'react';

/** `value` as it was when `key` last changed: a new value under the same key keeps the old one's identity. */
export function useKeyed<T>(value: T, key: string): T {
  const held = useRef({ key, value });
  if (held.current.key !== key) held.current = { key, value };
  return held.current.value;
}
