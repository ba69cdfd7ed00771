// The paper's fine-tuning setup (§4; the reference's Axolotl base config, reference-behavior §9.2).
export const PAPER_HYPERPARAMETERS = {
  baseModel: 'Qwen/Qwen3-8B',
  loraR: 64,
  loraAlpha: 128,
  loraDropout: 0.05,
  loraTargetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'],
  sequenceLength: 16384,
  learningRate: 1e-4,
  lrScheduler: 'cosine',
  warmupRatio: 0.03,
  weightDecay: 0.01,
  epochs: 3,
  microBatchSize: 1,
  gradientAccumulationSteps: 16,
  optimizer: 'adamw_torch',
  seed: 3407,
  valSetSize: 0.05,
  loggingSteps: 10,
  saveSteps: 100,
  evalSteps: 100,
  saveTotalLimit: 3,
} as const;

/** Effective batch = micro batch × gradient accumulation (one GPU). */
export const PAPER_EFFECTIVE_BATCH =
  PAPER_HYPERPARAMETERS.microBatchSize * PAPER_HYPERPARAMETERS.gradientAccumulationSteps;
