// Axolotl QLoRA config for an exported training set, with current (non-deprecated) dataset keys.
import type { ExportFormat } from '../formats/training-example.js';
import { PAPER_HYPERPARAMETERS as HP } from './hyperparameters.js';

export interface AxolotlOptions {
  /** Training JSONL, as the config should refer to it (relative to where axolotl is launched). */
  datasetPath: string;
  /** Validation JSONL, if the export wrote one; otherwise Axolotl holds out val_set_size. */
  validationPath?: string;
  format: ExportFormat;
  baseModel?: string;
  outputDir: string;
  preparedPath: string;
  sequenceLength?: number;
}

/** The dataset entry that tells Axolotl's chat_template loader where the turns are. */
export function axolotlDataset(path: string, format: ExportFormat): Record<string, unknown> {
  const common = {
    path,
    type: 'chat_template',
    roles_to_train: ['assistant'],
    train_on_eos: 'turn',
  };
  if (format === 'sharegpt') {
    return {
      ...common,
      field_messages: 'conversations',
      message_property_mappings: { role: 'from', content: 'value' },
      roles: { system: ['system'], user: ['human'], assistant: ['gpt'] },
    };
  }
  return {
    ...common,
    field_messages: 'messages',
    message_property_mappings: { role: 'role', content: 'content' },
  };
}

export function axolotlConfig(options: AxolotlOptions): Record<string, unknown> {
  const config: Record<string, unknown> = {
    base_model: options.baseModel ?? HP.baseModel,
    model_type: 'AutoModelForCausalLM',
    tokenizer_type: 'AutoTokenizer',
    trust_remote_code: true,
    load_in_8bit: false,
    load_in_4bit: true,
    bnb_config_kwargs: { bnb_4bit_quant_type: 'nf4', bnb_4bit_use_double_quant: true },
    adapter: 'qlora',
    lora_r: HP.loraR,
    lora_alpha: HP.loraAlpha,
    lora_dropout: HP.loraDropout,
    lora_target_modules: [...HP.loraTargetModules],
    chat_template: 'tokenizer_default',
    datasets: [axolotlDataset(options.datasetPath, options.format)],
    dataset_prepared_path: options.preparedPath,
    output_dir: options.outputDir,
    sequence_len: options.sequenceLength ?? HP.sequenceLength,
    sample_packing: true,
    pad_to_sequence_len: false,
    micro_batch_size: HP.microBatchSize,
    gradient_accumulation_steps: HP.gradientAccumulationSteps,
    num_epochs: HP.epochs,
    optimizer: HP.optimizer,
    lr_scheduler: HP.lrScheduler,
    learning_rate: HP.learningRate,
    warmup_ratio: HP.warmupRatio,
    weight_decay: HP.weightDecay,
    bf16: true,
    tf32: true,
    gradient_checkpointing: true,
    gradient_checkpointing_kwargs: { use_reentrant: false },
    flash_attention: true,
    logging_steps: HP.loggingSteps,
    save_strategy: 'steps',
    save_steps: HP.saveSteps,
    save_total_limit: HP.saveTotalLimit,
    eval_strategy: 'steps',
    eval_steps: HP.evalSteps,
    seed: HP.seed,
  };
  if (options.validationPath) {
    config.test_datasets = [{ ...axolotlDataset(options.validationPath, options.format), split: 'train' }];
    config.val_set_size = 0;
  } else {
    config.val_set_size = HP.valSetSize;
  }
  return config;
}
