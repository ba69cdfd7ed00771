import type { CodeAnalysis } from '../sandbox/interpreter.js';
import type { CodeAnalyzer } from './types.js';

/**
 * The sandbox's `analyzeCode` (Python's own `ast`), loaded lazily. Returns null when the sandbox
 * module does not provide it, so that the behavioral metrics are reported as unavailable, not guessed.
 */
export async function defaultAnalyzer(): Promise<CodeAnalyzer | null> {
  try {
    const specifier = '../sandbox/index.js';
    const mod = (await import(specifier)) as { analyzeCode?: (blocks: string[]) => Promise<CodeAnalysis[]> };
    return typeof mod.analyzeCode === 'function' ? mod.analyzeCode : null;
  } catch {
    return null;
  }
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
