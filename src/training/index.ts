// Training data export, training/serving configs and counterfactual replay.
export * from './episodes.js';
export * from './export.js';
export * from './formats.js';
export * from './reference-conversion.js';
export * from './runtime-view.js';
export * from './split.js';
export * from './token-truncation.js';
export * from './trace-files.js';
export * from './trace-types.js';
export * from './training-stats.js';
