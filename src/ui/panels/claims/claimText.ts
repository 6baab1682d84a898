// What the tour says about each claim before it is run: a one-sentence statement in the app's words, what the talk
// reports (when it gives a number), and whether showing it loads models (a longer run, with progress and Cancel).
import type { ClaimId } from '../../../core/claimIds';

export interface ClaimText {
  /** A short name, for the button ("Show: …"). */
  name: string;
  /** The claim in one sentence. */
  statement: string;
  /** What the talk reports, when it gives a number or a verdict to compare with. */
  talk: string | null;
  /** Loads shipped models in the model worker (seconds to a minute) instead of computing on the image at once. */
  models: boolean;
}

export const CLAIM_TEXT: Record<ClaimId, ClaimText> = {
  'row-breaks': {
    name: 'raster row breaks',
    statement: 'Raster order breaks neighbour continuity at every row end, and the next patch is harder to predict at those jumps than mid-row.',
    talk: null,
    models: false,
  },
  'continuity-not-main': {
    name: 'continuity against the transformer’s loss',
    statement: 'Continuity is only one source of conflict, not the main one: orderings with far fewer breaks barely change the transformer’s held-out loss.',
    talk: 'The talk: continuity is not the main source of conflict between next-patch sub-tasks.',
    models: true,
  },
  'bitplanes-unequal': {
    name: 'bit-planes as sub-tasks',
    statement: 'Bit-planes are unequal sub-tasks: each plane removes about a quarter of the error the one before it removed, so the top planes carry the picture and the bottom ones fix errors too small to see.',
    talk: null,
    models: false,
  },
  'drop-low-bits': {
    name: 'dropping the last bits',
    statement: 'Dropping the last bits can make modelling easier: the top 5 bits keep a good picture, and the 3 dropped planes are close to incompressible noise.',
    talk: 'The talk cites fitting 5 of 8 bits.',
    models: false,
  },
  'bands-split': {
    name: 'energy per frequency band',
    statement: 'Coarse-to-fine scales and frequency bands split low from high frequencies, and nearly all of an image’s energy sits in the lowest bands.',
    talk: null,
    models: false,
  },
  'rq-non-monotone': {
    name: 'residual quantization with depth',
    statement: 'Residual quantization stops improving with depth: for a growing share of samples one more code makes the reconstruction worse.',
    talk: 'The talk: about 30 % of samples at depth 4, 40 % at 8, over 50 % at 16 (summed objective, shared codebook).',
    models: true,
  },
  'noise-drowns-high': {
    name: 'noise drowns high frequencies',
    statement: 'Noise drowns high frequencies first: at the chosen t every frequency above some ring has less image than noise power.',
    talk: null,
    models: false,
  },
  'noise-levels-conflict': {
    name: 'noise levels conflict',
    statement: 'Noise levels conflict: the gradients of far-apart levels are near-orthogonal or opposed, read against the control of one objective cut at random, beside the patch-step and depth matrices.',
    talk: 'The talk: far-apart noise levels’ gradients are near-orthogonal or opposed.',
    models: true,
  },
  'middle-levels-hardest': {
    name: 'the middle noise levels',
    statement: 'The middle noise levels are the hardest, and guidance matters most there: at the ends a trivial prediction is nearly as good as the model.',
    talk: 'The talk: middle noise levels are the hardest, and guiding only there does as well as guiding everywhere.',
    models: true,
  },
  'elbo-weighting': {
    name: 'weightings and the ELBO',
    statement: 'A weighting whose effective weight does not increase with λ is an ELBO in disguise (a weighted ELBO of noise-augmented data).',
    talk: 'Kingma & Gao (2023): monotone weightings are ELBO objectives.',
    models: false,
  },
};
