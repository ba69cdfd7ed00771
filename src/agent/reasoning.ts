// Reasoning models put their thinking before the answer: in a separate field of the response
// (servers with a reasoning parser) or inline, as `<think>…</think>` at the start of the content
// (servers without one). Code is taken from the answer only, so a draft block in the thinking never
// runs; the thinking is kept for the trace.

const OPEN = '<think>';
const CLOSE = '</think>';

export interface SplitReply {
  /** The thinking, trimmed; null when the reply has none. */
  reasoning: string | null;
  /** What the model answered after its thinking. */
  answer: string;
}

/**
 * Splits a leading `<think>…</think>` off a reply. Also handled: a reply with only the closing tag
 * (chat templates that open the tag in the prompt, as DeepSeek-R1's does) and an opening tag that is
 * never closed (thinking cut off before any answer: everything is thinking).
 */
export function splitInlineReasoning(content: string): SplitReply {
  const start = content.trimStart();
  if (start.startsWith(OPEN)) {
    const end = start.indexOf(CLOSE, OPEN.length);
    if (end === -1) return { reasoning: start.slice(OPEN.length).trim(), answer: '' };
    return {
      reasoning: start.slice(OPEN.length, end).trim(),
      answer: start.slice(end + CLOSE.length).trimStart(),
    };
  }
  const close = content.indexOf(CLOSE);
  // Only before any code fence: a closing tag inside a code block is the code's business.
  if (close !== -1 && !/<think>|```/.test(content.slice(0, close))) {
    return {
      reasoning: content.slice(0, close).trim(),
      answer: content.slice(close + CLOSE.length).trimStart(),
    };
  }
  return { reasoning: null, answer: content };
}

/** The reasoning of a reply: the server's separate field, then any inline thinking of the content. */
export function splitReply(content: string, separate: string | undefined): SplitReply {
  const inline = splitInlineReasoning(content);
  const parts = [separate?.trim(), inline.reasoning].filter((p): p is string => !!p);
  return { reasoning: parts.length > 0 ? parts.join('\n\n') : null, answer: inline.answer };
}

/** A turn as Qwen3's chat template renders an assistant message with thinking. */
export function renderWithThinking(reasoning: string, answer: string): string {
  return `${OPEN}\n${reasoning}\n${CLOSE}\n\n${answer}`;
}
