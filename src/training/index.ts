// Training data export, training/serving configs and counterfactual replay.

export * from '../formats/training-example.js';
export * from './axolotl-config.js';
export * from './config-validation.js';
export * from './episodes.js';
export * from './export.js';
export * from './hyperparameters.js';
export * from './reference-conversion.js';
export * from './replay.js';
export * from './runtime-view.js';
export * from './serving.js';
export * from './split.js';
export * from './token-truncation.js';
export * from './trace-files.js';
export * from './train-config.js';
export * from './training-stats.js';
export * from './trl-config.js';
