/**
 * How long a changing value must stay still to count as settled (ms). The link writer writes a dragged slider's
 * view this long after its last move (a history write costs the browser several ms, too much for a drag's
 * frames), and the views that follow a slider once it settles (the denoiser's) update then. 200 ms: longer than
 * the pauses within a slow drag, short enough to read as an answer to letting go.
 */
export const SETTLE_MS = 200;
