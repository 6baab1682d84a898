// The diffusion panel's models: denoisers, the digit classifier, their objective, sampling and weights.
export * from './denoiser';
export * from './classifier';
export * from './data';
export * from './objective';
export * from './train';
export * from './evaluate';
export * from './sampling';
export * from './weights';
export * from './quality';
export { scheduleLevels } from '../../core/diffusion/samplers';
