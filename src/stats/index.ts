// Statistics: bootstrap intervals, paired tests, effect sizes and multiple-comparison adjustment.
export {
  type BootstrapCompat,
  type BootstrapInterval,
  type BootstrapOptions,
  bootstrapMeanCI,
  requireFinite,
  resampleMeans,
} from './bootstrap.js';
export { type Descriptive, describe, pairwiseSum } from './descriptive.js';
export {
  bigBitLength,
  type Dyadic,
  exactMean,
  exactSum,
  powerOfTwo,
  roundRational,
  toDyadic,
} from './exact-float.js';
export { holm } from './holm.js';
export { LimbTable } from './limb-table.js';
export { type McNemarResult, mcnemarExact } from './mcnemar.js';
export { mean, presentValues } from './mean.js';
export { erf, erfc, normalCdf, normalSf } from './normal.js';
export {
  type PairedBootstrapInterval,
  type PairedBootstrapOptions,
  type PairedStatistic,
  pairedBootstrap,
} from './paired-bootstrap.js';
export {
  type PairedInput,
  parsePairedInput,
  parseStatsSettings,
  readPairedInput,
  type StatsSettings,
} from './paired-input.js';
export {
  type MeanWithInterval,
  type PairedSummary,
  type PairedSummaryOptions,
  pairedSummary,
} from './paired-summary.js';
export { percentileBounds } from './percentile.js';
export { averageRanks, type Ranking } from './ranks.js';
export { type ScoreScale, scaleScores, scoreScales } from './score-scale.js';
export {
  exactSignedRankPValue,
  permutationSignedRankPValue,
  signedRankCounts,
} from './signed-rank-distribution.js';
export {
  rankBiserial,
  referenceEffectSize,
  type WilcoxonMethod,
  type WilcoxonResult,
  wilcoxon,
} from './wilcoxon.js';
