// The learned RQ auto-encoder of the "Depth" panel: what the model worker needs, in one import.
export { createRqae, cropConfig, decode, digitConfig, dispose, encode, latentSide, MAX_DEPTH, paramCount } from './model';
export type { Rqae, RqaeConfig } from './model';
export { codesOf, COMMITMENT_BETA, lossPerDepth, objectiveLoss } from './losses';
export type { Objective } from './losses';
export { createTrainer, fitCodebook, trainStep } from './train';
export type { BatchSource, Trainer, TrainerOptions } from './train';
export { evaluateImages, healthPerDepth, reconstructionsOf } from './evaluate';
export type { Evaluation } from './evaluate';
export { increaseFractionPerStep, LARGE_RISE, nonMonotoneFraction, psnrPerDepth } from './depthMetrics';
export type { ErrorTable } from './depthMetrics';
export { SHIPPED_MODELS, shippedModel } from './shipped';
export type { ShippedModel } from './shipped';
export { deserialize, indexedDbUrl, loadFrom, loadFromUrl, saveTo, serialize } from './weights';
export type { ModelJson, Progress, RqaeMeta } from './weights';
