import { z } from '../util/zod.js';

/** Token counts as the OpenAI API reports them; any may be missing in recorded files. */
export const tokenUsageSchema = z.looseObject({
  prompt_tokens: z.number().nullish(),
  completion_tokens: z.number().nullish(),
  total_tokens: z.number().nullish(),
});
