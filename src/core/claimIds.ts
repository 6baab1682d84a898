// The claims tour's claims, in the order it shows them (the link's `claim` key names one). On their own, so the page
// and the link read them without loading the measurements (core/claims.ts).
export const CLAIM_IDS = [
  'row-breaks', 'continuity-not-main', 'bitplanes-unequal', 'drop-low-bits', 'bands-split',
  'rq-non-monotone', 'noise-drowns-high', 'noise-levels-conflict', 'middle-levels-hardest', 'elbo-weighting',
] as const;
export type ClaimId = (typeof CLAIM_IDS)[number];
