// The Depth panel's named choices, each list written once: the decompositions (views.ts), the colour spaces of
// the channel one (channels.ts) and the learned RQ auto-encoder's objectives. The URL state, the selectors and
// the worker protocol take their types from here. No imports, so the app's first chunk can check a link's
// choices without loading the decompositions.

/** The depth decompositions: the kinds of views.DepthSpec. */
export const DEPTH_KINDS = ['bitplanes', 'bit-order', 'channels', 'scales', 'dct-block', 'dct-whole', 'rq', 'vq'] as const;
export type DepthKind = (typeof DEPTH_KINDS)[number];

/** Colour spaces of the channel decomposition. */
export const CHANNEL_SPACES = ['rgb', 'ycbcr'] as const;
export type ChannelSpace = (typeof CHANNEL_SPACES)[number];

/**
 * The learned RQ auto-encoder's training objectives (models/rqae/losses.ts): (a) 'full', the RQ-VAE loss at
 * full depth only; (b) 'summed', the reconstruction losses of every depth summed.
 */
export const RQAE_OBJECTIVES = ['full', 'summed'] as const;
export type RqaeObjective = (typeof RQAE_OBJECTIVES)[number];
