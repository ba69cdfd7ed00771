// The zod schema of a runtime name in files the toolkit reads (traces, results, run.json).
import { z } from '../util/zod.js';
import { isRuntimeName, RUNTIME_GRAMMAR } from './spec.js';

export const runtimeNameSchema = z
  .string()
  .refine(isRuntimeName, { message: `not a runtime spec (${RUNTIME_GRAMMAR})` });
