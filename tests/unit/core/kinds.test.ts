// Every named choice is one list in src/core: the link reader accepts exactly that list (each entry, in its order,
// and nothing else), and the types written around it name the same kinds.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { CHANNEL_SPACES, DEPTH_KINDS, type DepthKind } from '../../../src/core/depth/kinds';
import type { DepthSpec } from '../../../src/core/depth/views';
import { PARAMETERIZATIONS, PREDICTIONS, SAMPLER_KINDS, SCHEDULE_KINDS, WEIGHTING_KINDS } from '../../../src/core/diffusion/kinds';
import { ORDERING_KINDS } from '../../../src/core/orderings';
import { decodeSlice, type LinkSlice } from '../../../src/state/codec';
import { depthLink } from '../../../src/state/depthSlice';
import { diffusionLink } from '../../../src/state/diffusionSlice';
import { patchLink } from '../../../src/state/patchSlice';

/**
 * Reads `key` from a link for every entry of `list` (each must come back unchanged, without a note) and for a
 * name not in it, whose note lists the choices the reader knows: that list must be `list`, in order.
 */
function expectChoices<T>(slice: LinkSlice<T>, key: string, field: keyof T, list: readonly string[]): void {
  for (const name of list) {
    const { value, problems } = decodeSlice(slice, new URLSearchParams({ [key]: name }));
    expect(problems, `${key}=${name}`).toEqual([]);
    expect(value[field]).toBe(name);
  }
  const { problems } = decodeSlice(slice, new URLSearchParams({ [key]: 'not-a-kind' }));
  expect(problems).toHaveLength(1);
  expect(problems[0]).toContain(`is not one of ${list.join(', ')};`);
}

describe('the diffusion panel’s choices in the link', () => {
  it('are the core lists of targets, weightings and samplers', () => {
    expectChoices(diffusionLink, 'target', 'target', PARAMETERIZATIONS);
    expectChoices(diffusionLink, 'weight', 'weighting', WEIGHTING_KINDS);
    expectChoices(diffusionLink, 'dnsampler', 'sampler', SAMPLER_KINDS);
  });

  it('are the core schedules, then the user-edited one', () => {
    expectChoices(diffusionLink, 'sched', 'schedule', [...SCHEDULE_KINDS, 'custom']);
  });

  it('name every prediction among the targets, velocity last', () => {
    expect(PARAMETERIZATIONS).toEqual([...PREDICTIONS, 'velocity']);
  });
});

describe('the depth and patch panels’ choices in the link', () => {
  it('are the core lists of depth views and colour spaces', () => {
    expectChoices(depthLink, 'dview', 'view', DEPTH_KINDS);
    expectChoices(depthLink, 'space', 'space', CHANNEL_SPACES);
  });

  it('are the core orderings, then the painted one', () => {
    expectChoices(patchLink, 'order', 'ordering', [...ORDERING_KINDS, 'custom']);
  });

  it('list exactly the kinds a depth spec can have (checked by the type checker)', () => {
    expectTypeOf<DepthSpec['kind']>().toEqualTypeOf<DepthKind>();
  });
});
