import type { CodeAnalysis } from '../sandbox/interpreter.js';
import { codeKey, openAnalysisCache } from './analysis-cache.js';
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

/**
 * The default analyzer's answers for `blocks`, taken from the analysis cache under `cacheRoot`
 * where it has them (null: no cache); only the blocks it lacks start the parser.
 */
export async function analyzeWithDefault(
  blocks: readonly string[],
  cacheRoot: string | null,
): Promise<Map<string, CodeAnalysis>> {
  const cache = cacheRoot ? await openAnalysisCache(cacheRoot) : null;
  if (!cache) return analyzeAll(await defaultAnalyzer(), blocks);
  const out = new Map<string, CodeAnalysis>();
  const missing = new Map<string, string>();
  for (const code of new Set(blocks)) {
    const key = codeKey(code);
    const hit = cache.get(key);
    if (hit) out.set(code, hit);
    else missing.set(code, key);
  }
  if (missing.size === 0) return out;
  const parsed = await analyzeAll(await defaultAnalyzer(), [...missing.keys()]);
  for (const [code, analysis] of parsed) out.set(code, analysis);
  // The folder is named after the Python expected to parse; store only what that Python said.
  const { defaultAnalysisBackend } = await import('../sandbox/analyze.js');
  if (defaultAnalysisBackend() === cache.backend)
    cache.add([...parsed].map(([code, analysis]) => [missing.get(code) as string, analysis]));
  return out;
}
