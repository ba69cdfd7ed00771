import type { ToolCallRecord } from '../sandbox/interpreter.js';
import { errorTypeFromText } from './error-type.js';
import { parseWith, stepEventData, type TraceFile } from './files.js';
import type { StepView } from './types.js';

/** The StepEvents of a trace as StepViews, in order. */
export function stepsOfTrace(trace: TraceFile, file: string): StepView[] {
  const steps: StepView[] = [];
  for (const [index, event] of trace.events.entries()) {
    if (event.type !== 'StepEvent') continue;
    const d = parseWith(stepEventData, event.data, file, `events[${index}].data`);
    const ir = d.interpreter_result ?? null;
    const ran = typeof d.code === 'string' && ir !== null && typeof ir.success === 'boolean';
    const error = ir?.error ?? null;
    steps.push({
      turn: d.turn,
      assistantText: d.assistant_text ?? '',
      reasoning: d.reasoning ?? null,
      code: typeof d.code === 'string' ? d.code : null,
      success: ran ? (ir?.success ?? null) : null,
      error,
      errorType: d.error_type !== undefined ? (d.error_type ?? null) : ran ? errorTypeFromText(error) : null,
      output: ir?.output ?? null,
      observation: d.observation ?? null,
      globals: d.globals ?? null,
      toolCalls: (d.tool_calls as ToolCallRecord[] | null | undefined) ?? null,
      promptTokens: d.token_usage?.prompt_tokens ?? null,
      completionTokens: d.token_usage?.completion_tokens ?? null,
      totalTokens: d.token_usage?.total_tokens ?? null,
      durationMs: d.duration_ms ?? null,
    });
  }
  return steps;
}
