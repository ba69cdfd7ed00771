import type { CodeAnalysis } from '../sandbox/interpreter.js';
import type { CodeAnalyzer } from './types.js';

/** The sandbox's `analyzeCode` (Python's own `ast`), loaded only when metrics need it. */
export async function defaultAnalyzer(): Promise<CodeAnalyzer> {
  const { analyzeCode } = await import('../sandbox/index.js');
  return (blocks) => analyzeCode(blocks);
}

/**
 * Runs `analyzer` over many blocks in batches, analysing each distinct block once. The batches are
 * sent together, so that an analyzer with several processes keeps them all busy.
 */
export async function analyzeAll(
  analyzer: CodeAnalyzer,
  blocks: readonly string[],
  batch = 2000,
): Promise<Map<string, CodeAnalysis>> {
  const distinct = [...new Set(blocks)];
  const chunks: string[][] = [];
  for (let i = 0; i < distinct.length; i += batch) chunks.push(distinct.slice(i, i + batch));
  const answers = await Promise.all(chunks.map((chunk) => analyzer(chunk)));
  const out = new Map<string, CodeAnalysis>();
  for (const [k, chunk] of chunks.entries()) {
    const analyses = answers[k] as CodeAnalysis[];
    if (analyses.length !== chunk.length)
      throw new Error(`code analyzer returned ${analyses.length} analyses for ${chunk.length} blocks`);
    for (const [j, code] of chunk.entries()) out.set(code, analyses[j] as CodeAnalysis);
  }
  return out;
}
