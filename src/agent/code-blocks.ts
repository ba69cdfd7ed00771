// Code extraction with the reference's exact rules (reference-behavior §4.2 step 6), quirks included,
// so that the same reply runs the same code under both implementations.

/**
 * An opening fence is three backticks, an optional tag of [a-zA-Z0-9_+-] characters, then at once a
 * newline; the block is the shortest text up to the next three backticks, wherever they are. A fence
 * followed by a space before its newline is not an opening fence, so its closing fence can open the
 * next "block" (prose between two blocks then counts as code) — the reference behaves so, and parity
 * of executed code matters more than tidiness here. Every tag (python, json, none, …) is run as Python.
 */
const FENCED_BLOCK = /```(?:[a-zA-Z0-9_+-]+)?\n([\s\S]*?)```/g;

/** Characters Python's str.strip() removes (str.isspace), which differ from JS's trim(). */
const PY_WHITESPACE =
  '\t\n\u000b\u000c\r\u001c\u001d\u001e\u001f \u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';

/** Python's `str.strip()` with no argument. */
export function pyStrip(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && PY_WHITESPACE.includes(text[start])) start++;
  while (end > start && PY_WHITESPACE.includes(text[end - 1])) end--;
  return text.slice(start, end);
}

/** Every fenced block of a reply, stripped, in order (the reference's `extract_code_blocks`). */
export function extractCodeBlocks(text: string): string[] {
  return [...text.matchAll(FENCED_BLOCK)].map((match) => pyStrip(match[1]));
}
