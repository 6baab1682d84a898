import { describe, expect, it } from 'vitest';
import { fmtChange } from '../../../src/ui/panels/lab/labFigures';

// The transfer matrix of a converged model moves held-out losses by hundredths of a percent: a reader must still
// see their sign and size, not "0.0 %".
describe('fmtChange (relative change of a held-out loss)', () => {
  it('keeps one decimal from 1 % and shows the sign of smaller changes with more digits', () => {
    expect(fmtChange(0.0239)).toBe('+2.4 %');
    expect(fmtChange(-0.0036)).toBe('−0.36 %');
    expect(fmtChange(-0.00029)).toBe('−0.029 %');
    expect(fmtChange(0.00021)).toBe('+0.021 %');
  });
  it('writes a change that rounds to zero without a sign, and n/a for a missing one', () => {
    expect(fmtChange(4e-7)).toBe('0.000 %');
    expect(fmtChange(-4e-7)).toBe('0.000 %');
    expect(fmtChange(0)).toBe('0.000 %');
    expect(fmtChange(Number.NaN)).toBe('n/a');
  });
  it('takes another unit', () => {
    expect(fmtChange(-0.25, '')).toBe('−25.0');
  });
});
