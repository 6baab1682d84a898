import { describe, expect, it } from 'vitest';
import { toCsv } from '../../../src/ui/export/csv';
import { exportFileName } from '../../../src/ui/export/fileName';

describe('toCsv', () => {
  it('writes a header and one line per row, CRLF-ended, quoting only what needs it', () => {
    const text = toCsv({ header: ['sub-task', 'λ −7.50 (cos)', 'note'], rows: [['a, b', 0.25, 'said "hi"'], ['c', -1e-7, 'two\nlines']] });
    expect(text).toBe('sub-task,λ −7.50 (cos),note\r\n"a, b",0.25,"said ""hi"""\r\nc,-1e-7,"two\nlines"\r\n');
  });

  it('leaves numbers that are not finite empty, and refuses rows of the wrong length', () => {
    expect(toCsv({ header: ['x', 'y', 'z'], rows: [[NaN, Infinity, 3]] })).toBe('x,y,z\r\n,,3\r\n');
    expect(() => toCsv({ header: ['x'], rows: [[1, 2]] })).toThrow(RangeError);
  });

  it('names CSV exports like the figures', () => {
    expect(exportFileName('lab', 'noise-cross', { k: 8, batch: 64 }, 'csv')).toBe('lab-noise-cross_k-8_batch-64.csv');
  });
});
