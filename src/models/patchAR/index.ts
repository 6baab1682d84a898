// The patch transformer of the "Patch order" panel: what the compute worker needs, in one import.
export {
  createPatchAR, CROP_CONFIG, DIGIT_CONFIG, dispose, forward, loss, lossForSteps, paramCount, patchDim, perPositionLoss,
  sequenceLength, stepsOf,
} from './model';
export type { PatchAR, PatchARConfig, StepGroup } from './model';
export { createTrainer, learningRateAt, trainStep } from './train';
export type { BatchSource, Schedule, Trainer, TrainerOptions } from './train';
export { generate, perStepMse, predictAll } from './evaluate';
export type { GenerateOptions, SampleMode } from './evaluate';
export { digitImages, fetchDigits, patchify, randomCrops, readDigitFile, sampleIndices, stepsToGrid, unpatchify } from './data';
export type { DigitSet, ImageShape } from './data';
export { deserialize, indexedDbUrl, loadFrom, loadFromUrl, saveTo, serialize } from './weights';
export type { ModelJson, PatchARMeta, Progress } from './weights';
