import { describe, expect, it } from 'vitest';
import { threadText } from '../../../src/ui/components/BackendIndicator';

describe('the backend indicator’s thread count', () => {
  it('says why wasm computes on one thread: no shared memory, or too few cores', () => {
    expect(threadText({ count: 1, isolated: false, cores: 8 })).toEqual({ short: '1 thread (page not isolated)', why: expect.stringMatching(/not cross-origin isolated/) });
    expect(threadText({ count: 1, isolated: true, cores: 2 })).toEqual({ short: '1 thread (2 cores)', why: expect.stringMatching(/one thread per two logical cores; this device has 2/) });
  });

  it('states the threads and the cores when it computes on several', () => {
    expect(threadText({ count: 4, isolated: true, cores: 8 }).short).toBe('4 threads (8 cores)');
  });
});
