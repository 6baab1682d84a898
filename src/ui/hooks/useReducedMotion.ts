import { useMediaQuery } from './useMediaQuery';

/** Whether the user asked the system for less motion: animations then jump to their end or move in few steps. */
export function useReducedMotion(): boolean {
  return useMediaQuery('(prefers-reduced-motion: reduce)');
}
