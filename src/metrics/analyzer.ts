import type { CodeAnalysis } from '../sandbox/interpreter.js';
import type { CodeAnalyzer } from './types.js';

/** The sandbox's `analyzeCode` (Python's own `ast`), loaded only when metrics need it. */
export async function defaultAnalyzer(): Promise<CodeAnalyzer> {
  const { analyzeCode } = await import('../sandbox/index.js');
  return (blocks) => analyzeCode(blocks);
}

/** Runs `analyzer` over many blocks in batches, analysing each distinct block once. */
export async function analyzeAll(
  analyzer: CodeAnalyzer,
  blocks: readonly string[],
  batch = 2000,
): Promise<Map<string, CodeAnalysis>> {
  const distinct = [...new Set(blocks)];
  const out = new Map<string, CodeAnalysis>();
  for (let i = 0; i < distinct.length; i += batch) {
    const chunk = distinct.slice(i, i + batch);
    const analyses = await analyzer(chunk);
    if (analyses.length !== chunk.length)
      throw new Error(`code analyzer returned ${analyses.length} analyses for ${chunk.length} blocks`);
    for (const [j, code] of chunk.entries()) out.set(code, analyses[j] as CodeAnalysis);
  }
  return out;
}
