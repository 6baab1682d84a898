import { describe, expect, it } from 'vitest';
import { CROP_CONFIG, DIGIT_CONFIG, paramCount } from '../../../src/models/patchAR/model';
import { PATCH_MODEL_PARAMS } from '../../../src/ui/panels/patch/modelFacts';

describe('the patch transformer sizes the panel names', () => {
  it('are the models’ own counts: 85,616 on crops, 78,608 on digits', () => {
    expect(paramCount(CROP_CONFIG)).toBe(85_616);
    expect(paramCount(DIGIT_CONFIG)).toBe(78_608);
    expect(PATCH_MODEL_PARAMS).toEqual({ crops: paramCount(CROP_CONFIG), digits: paramCount(DIGIT_CONFIG) });
  });
});
