import { describe, expect, it } from 'vitest';
import { fitSize } from '../../../src/ui/components/PixelCanvas';

describe('the size of a canvas fitted to how it is shown', () => {
  it('holds the shown device pixels, rounded up, never more than the image has', () => {
    expect(fitSize(512, 512, 130.4)).toEqual({ width: 131, height: 131 });
    expect(fitSize(512, 256, 100)).toEqual({ width: 100, height: 50 });
    expect(fitSize(64, 64, 130)).toEqual({ width: 64, height: 64 });
    expect(fitSize(512, 512, 512)).toEqual({ width: 512, height: 512 });
    expect(fitSize(512, 1, 10)).toEqual({ width: 10, height: 1 });
  });

  it('keeps the full image while its shown size is unknown (not laid out)', () => {
    for (const shown of [0, NaN, -5]) expect(fitSize(256, 256, shown)).toEqual({ width: 256, height: 256 });
  });
});
