import { describe, expect, it } from 'vitest';
import { exportFileName } from '../../../src/ui/export/fileName';

describe('exportFileName', () => {
  it('joins panel, subject and parameters in insertion order', () => {
    expect(exportFileName('depth', 'bitplanes-psnr', { img: 'astronaut', size: 128, bits: 4 }, 'png')).toBe(
      'depth-bitplanes-psnr_img-astronaut_size-128_bits-4.png',
    );
  });

  it('lowercases and replaces unsafe characters so only [a-z0-9._-] remain', () => {
    const name = exportFileName('Depth View', 'PSNR / Bits', { 'Img Name': 'My Photo (1)?', 'a:b': 'c*d' }, 'svg');
    expect(name).toBe('depth-view-psnr-bits_img-name-my-photo-1_a-b-c-d.svg');
    expect(name).toMatch(/^[a-z0-9._-]+$/);
  });

  it('keeps decimal points and negative signs in numbers', () => {
    expect(exportFileName('p', 'w', { t: 0.25, shift: -3, big: 1e21 }, 'png')).toBe('p-w_t-0.25_shift--3_big-1e21.png');
  });

  it('omits the parameter part when there are no parameters', () => {
    expect(exportFileName('depth', 'grid', {}, 'png')).toBe('depth-grid.png');
  });

  it('falls back to a generic stem when every part sanitises to nothing', () => {
    expect(exportFileName('☃', '!!!', {}, 'png')).toBe('export.png');
  });

  it('caps very long names below common filesystem limits', () => {
    const name = exportFileName('depth', 'x', { state: 'a'.repeat(500) }, 'png');
    expect(name.length).toBeLessThanOrEqual(204);
    expect(name.endsWith('.png')).toBe(true);
  });
});
