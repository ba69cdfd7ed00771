// Checks of generated training configs: keys and value types against schemas written from the
// engines' documented options, agreement with the export (path, chat fields), and that every
// example fits the sequence length once rendered with the Qwen3 chat template.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseExampleLine } from '../formats/training-example.js';
import { formatFieldPath } from '../util/errors.js';
import { z } from '../util/zod.js';
import { exampleTokens } from './token-truncation.js';

const chatDataset = z
  .object({
    path: z.string().min(1),
    type: z.literal('chat_template'),
    field_messages: z.enum(['messages', 'conversations']),
    message_property_mappings: z.object({ role: z.string().min(1), content: z.string().min(1) }).strict(),
    roles: z.record(z.string(), z.array(z.string())).optional(),
    roles_to_train: z.array(z.enum(['system', 'user', 'assistant'])).min(1),
    train_on_eos: z.enum(['all', 'turn', 'last', 'none']),
    split: z.string().optional(),
  })
  .strict();

/** The Axolotl options we emit (a strict subset of Axolotl's documented config). */
export const axolotlSchema = z
  .object({
    base_model: z.string().min(1),
    model_type: z.string(),
    tokenizer_type: z.string(),
    trust_remote_code: z.boolean(),
    load_in_8bit: z.boolean(),
    load_in_4bit: z.boolean(),
    bnb_config_kwargs: z
      .object({ bnb_4bit_quant_type: z.enum(['nf4', 'fp4']), bnb_4bit_use_double_quant: z.boolean() })
      .strict(),
    adapter: z.enum(['lora', 'qlora']),
    lora_r: z.number().int().positive(),
    lora_alpha: z.number().int().positive(),
    lora_dropout: z.number().min(0).max(1),
    lora_target_modules: z.array(z.string()).min(1),
    chat_template: z.string().min(1),
    datasets: z.array(chatDataset).min(1),
    test_datasets: z.array(chatDataset).optional(),
    val_set_size: z.number().min(0).max(1),
    dataset_prepared_path: z.string().min(1),
    output_dir: z.string().min(1),
    sequence_len: z.number().int().positive(),
    sample_packing: z.boolean(),
    pad_to_sequence_len: z.boolean(),
    micro_batch_size: z.number().int().positive(),
    gradient_accumulation_steps: z.number().int().positive(),
    num_epochs: z.number().positive(),
    optimizer: z.string(),
    lr_scheduler: z.string(),
    learning_rate: z.number().positive(),
    warmup_ratio: z.number().min(0).max(1),
    weight_decay: z.number().min(0),
    bf16: z.union([z.boolean(), z.literal('auto')]),
    tf32: z.boolean(),
    gradient_checkpointing: z.boolean(),
    gradient_checkpointing_kwargs: z.object({ use_reentrant: z.boolean() }).strict(),
    flash_attention: z.boolean(),
    logging_steps: z.number().int().positive(),
    save_strategy: z.enum(['steps', 'epoch', 'no']),
    save_steps: z.number().int().positive(),
    save_total_limit: z.number().int().positive(),
    eval_strategy: z.enum(['steps', 'epoch', 'no']),
    eval_steps: z.number().int().positive(),
    seed: z.number().int(),
  })
  .strict()
  .refine((c) => c.adapter !== 'qlora' || c.load_in_4bit, {
    message: 'adapter qlora needs load_in_4bit: true',
    path: ['load_in_4bit'],
  });

/** The settings file read by the generated TRL script. */
export const trlSchema = z
  .object({
    model: z.string().min(1),
    dataset: z
      .object({
        train: z.string().min(1),
        validation: z.string().min(1).nullable(),
        format: z.enum(['messages', 'sharegpt']),
      })
      .strict(),
    quantization: z
      .object({
        load_in_4bit: z.literal(true),
        bnb_4bit_quant_type: z.enum(['nf4', 'fp4']),
        bnb_4bit_use_double_quant: z.boolean(),
        bnb_4bit_compute_dtype: z.enum(['bfloat16', 'float16', 'float32']),
      })
      .strict(),
    lora: z
      .object({
        r: z.number().int().positive(),
        lora_alpha: z.number().int().positive(),
        lora_dropout: z.number().min(0).max(1),
        target_modules: z.array(z.string()).min(1),
        bias: z.enum(['none', 'all', 'lora_only']),
        task_type: z.literal('CAUSAL_LM'),
      })
      .strict(),
    sft: z
      .object({
        output_dir: z.string().min(1),
        max_length: z.number().int().positive(),
        per_device_train_batch_size: z.number().int().positive(),
        gradient_accumulation_steps: z.number().int().positive(),
        num_train_epochs: z.number().positive(),
        learning_rate: z.number().positive(),
        lr_scheduler_type: z.string(),
        warmup_ratio: z.number().min(0).max(1),
        weight_decay: z.number().min(0),
        optim: z.string(),
        bf16: z.boolean(),
        tf32: z.boolean(),
        gradient_checkpointing: z.boolean(),
        gradient_checkpointing_kwargs: z.object({ use_reentrant: z.boolean() }).strict(),
        logging_steps: z.number().int().positive(),
        save_strategy: z.enum(['steps', 'epoch', 'no']),
        save_steps: z.number().int().positive(),
        save_total_limit: z.number().int().positive(),
        eval_strategy: z.enum(['steps', 'epoch', 'no']),
        eval_steps: z.number().int().positive(),
        seed: z.number().int(),
        completion_only_loss: z.boolean(),
        report_to: z.string(),
      })
      .strict(),
  })
  .strict();

export interface ValidationReport {
  ok: boolean;
  problems: string[];
  examples: number;
  maxTokens: number;
  sequenceLength: number;
}

function schemaProblems(schema: z.ZodType, config: unknown, label: string): string[] {
  const parsed = schema.safeParse(config);
  if (parsed.success) return [];
  return parsed.error.issues.map((i) => `${label}: ${formatFieldPath(i.path) || '(root)'}: ${i.message}`);
}

interface DatasetRef {
  path: string;
  field: string;
  role: string;
  content: string;
}

/** Checks one dataset file against the fields the config reads, and every example's length. */
function datasetProblems(
  ref: DatasetRef,
  baseDir: string,
  sequenceLength: number,
  report: ValidationReport,
): string[] {
  const problems: string[] = [];
  const file = resolve(baseDir, ref.path);
  if (!existsSync(file))
    return [`dataset ${ref.path}: file not found (paths are relative to the config's folder)`];
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  if (lines.length === 0) problems.push(`dataset ${ref.path}: no examples`);
  lines.forEach((line, i) => {
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      problems.push(`dataset ${ref.path}: line ${i + 1} is not JSON`);
      return;
    }
    if (typeof record !== 'object' || record === null) {
      problems.push(`dataset ${ref.path}: line ${i + 1} is not a JSON object`);
      return;
    }
    const turns = (record as Record<string, unknown>)[ref.field];
    if (!Array.isArray(turns) || turns.length === 0) {
      problems.push(`dataset ${ref.path}: line ${i + 1} has no '${ref.field}' list (config field_messages)`);
      return;
    }
    const first = turns[0] as Record<string, unknown>;
    if (typeof first[ref.role] !== 'string' || typeof first[ref.content] !== 'string') {
      problems.push(
        `dataset ${ref.path}: line ${i + 1}: turns lack '${ref.role}'/'${ref.content}' (config message_property_mappings)`,
      );
      return;
    }
    const tokens = exampleTokens(parseExampleLine(line, file, i + 1));
    report.examples++;
    report.maxTokens = Math.max(report.maxTokens, tokens);
    if (tokens > sequenceLength)
      problems.push(
        `dataset ${ref.path}: line ${i + 1} renders to ${tokens} Qwen3 tokens > ${sequenceLength}`,
      );
  });
  return problems;
}

/** Validates an Axolotl config object; dataset paths are resolved against `baseDir`. */
export function validateAxolotlConfig(config: Record<string, unknown>, baseDir: string): ValidationReport {
  const sequenceLength = typeof config.sequence_len === 'number' ? config.sequence_len : 0;
  const report: ValidationReport = { ok: true, problems: [], examples: 0, maxTokens: 0, sequenceLength };
  report.problems.push(...schemaProblems(axolotlSchema, config, 'axolotl'));
  const datasets = [
    ...((config.datasets as unknown[]) ?? []),
    ...((config.test_datasets as unknown[]) ?? []),
  ];
  for (const d of datasets as Record<string, unknown>[]) {
    const mapping = (d.message_property_mappings ?? {}) as Record<string, string>;
    report.problems.push(
      ...datasetProblems(
        {
          path: String(d.path),
          field: String(d.field_messages),
          role: mapping.role ?? 'role',
          content: mapping.content ?? 'content',
        },
        baseDir,
        sequenceLength,
        report,
      ),
    );
  }
  report.ok = report.problems.length === 0;
  return report;
}

/** Validates the TRL settings object; dataset paths are resolved against `baseDir`. */
export function validateTrlConfig(config: Record<string, unknown>, baseDir: string): ValidationReport {
  const sft = (config.sft ?? {}) as Record<string, unknown>;
  const sequenceLength = typeof sft.max_length === 'number' ? sft.max_length : 0;
  const report: ValidationReport = { ok: true, problems: [], examples: 0, maxTokens: 0, sequenceLength };
  report.problems.push(...schemaProblems(trlSchema, config, 'trl'));
  const dataset = (config.dataset ?? {}) as Record<string, unknown>;
  const sharegpt = dataset.format === 'sharegpt';
  const ref = sharegpt
    ? { field: 'conversations', role: 'from', content: 'value' }
    : { field: 'messages', role: 'role', content: 'content' };
  for (const path of [dataset.train, dataset.validation]) {
    if (typeof path === 'string')
      report.problems.push(...datasetProblems({ path, ...ref }, baseDir, sequenceLength, report));
  }
  report.ok = report.problems.length === 0;
  return report;
}
