// The value of the latest render in a ref: callbacks, effects and memos read it when they run, without
// running again because it changed.
import { useRef, type RefObject } from 'react';

export function useLatest<T>(value: T): RefObject<T> {
  const ref = useRef(value);
  ref.current = value;
  return ref;
}
