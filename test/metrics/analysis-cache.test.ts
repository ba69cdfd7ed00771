// The persistent analysis cache: what it stores is read back unchanged, a damaged or forged entry
// is skipped (the block is parsed again), and metrics with the cache equal metrics without it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import {
  AnalysisCache,
  type AnalyzerIdentity,
  analysisCacheRoot,
  checkedLine,
  codeKey,
} from '../../src/metrics/analysis-cache.js';
import { computeMetrics } from '../../src/metrics/index.js';
import { compareRuns } from '../../src/report/compare-runs.js';
import type { CodeAnalysis } from '../../src/sandbox/interpreter.js';
import { cliPath } from '../helpers/paths.js';
import { makeResult, makeTrace, writeRun } from './fixtures.js';

const tmp = mkdtempSync(join(tmpdir(), 'alr-analysis-cache-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const identity: AnalyzerIdentity = { backend: 'cpython', text: 'test python' };
const analysis = (name: string): CodeAnalysis => ({
  parsed: true,
  bound: [name],
  loaded: ['json'],
  imports: ['json'],
  free: [`${name}_in`],
});

function fresh(label: string): string {
  return mkdtempSync(join(tmp, `${label}-`));
}

/** Every pack file of the one version folder under `root`. */
function packs(root: string): string[] {
  const versions = readdirSync(root);
  assert.equal(versions.length, 1);
  const dir = join(root, versions[0] as string);
  return readdirSync(dir)
    .filter((n) => n.endsWith('.pack'))
    .map((n) => join(dir, n));
}

it('reads back what it stored, in a folder named after the parser and the Python', () => {
  const root = fresh('roundtrip');
  const cache = AnalysisCache.open(root, identity) as AnalysisCache;
  assert.equal(cache.size, 0);
  cache.add([
    [codeKey('a = 1'), analysis('a')],
    [codeKey('b = 2'), analysis('b')],
  ]);
  const again = AnalysisCache.open(root, identity) as AnalysisCache;
  assert.deepEqual(again.get(codeKey('a = 1')), analysis('a'));
  assert.deepEqual(again.get(codeKey('b = 2')), analysis('b'));
  assert.equal(again.get(codeKey('c = 3')), undefined);
  const other = AnalysisCache.open(root, { backend: 'cpython', text: 'another python' }) as AnalysisCache;
  assert.equal(other.size, 0, 'another Python starts an empty folder');
  assert.equal(readdirSync(root).length, 2);
});

it('skips torn, altered and forged entries and keeps the rest', () => {
  const root = fresh('corrupt');
  const cache = AnalysisCache.open(root, identity) as AnalysisCache;
  const keys = ['x = 1', 'y = 2', 'z = 3'].map(codeKey);
  cache.add(keys.map((k, i) => [k, analysis(`v${i}`)]));
  const [pack] = packs(root);
  const lines = readFileSync(pack as string, 'utf8')
    .trimEnd()
    .split('\n');
  assert.equal(lines.length, 3);
  const altered = (lines[1] as string).replace('"v1"', '"v9"');
  assert.notEqual(altered, lines[1]);
  const forged = checkedLine(codeKey('w = 4'), JSON.stringify({ parsed: 'yes', bound: [1] }));
  writeFileSync(
    pack as string,
    [lines[0], altered, (lines[2] as string).slice(0, 90), forged, 'not a line', ''].join('\n'),
  );
  const again = AnalysisCache.open(root, identity) as AnalysisCache;
  assert.deepEqual(again.get(keys[0] as string), analysis('v0'));
  assert.equal(again.get(keys[1] as string), undefined, 'an altered entry fails its check');
  assert.equal(again.get(keys[2] as string), undefined, 'a torn entry is skipped');
  assert.equal(again.get(codeKey('w = 4')), undefined, 'a well-checked entry of the wrong shape is skipped');
  assert.equal(again.size, 1);
});

it('keeps concurrent writers apart and merges many packs into one', () => {
  const root = fresh('merge');
  const first = AnalysisCache.open(root, identity) as AnalysisCache;
  const second = AnalysisCache.open(root, identity) as AnalysisCache;
  first.add([[codeKey('p'), analysis('p')]]);
  second.add([[codeKey('q'), analysis('q')]]);
  assert.equal(packs(root).length, 2);
  for (let i = 0; i < 20; i++)
    (AnalysisCache.open(root, identity) as AnalysisCache).add([[codeKey(`n${i}`), analysis(`n${i}`)]]);
  assert.ok(packs(root).length <= 17, `merged: ${packs(root).length} packs`);
  const all = AnalysisCache.open(root, identity) as AnalysisCache;
  assert.equal(all.size, 22);
  for (let i = 0; i < 20; i++) assert.deepEqual(all.get(codeKey(`n${i}`)), analysis(`n${i}`));
  assert.deepEqual(all.get(codeKey('q')), analysis('q'));
});

it('is not used in a folder others can write to, and can be turned off', () => {
  const root = fresh('open');
  chmodSync(root, 0o777);
  assert.equal(AnalysisCache.open(root, identity), null);
  assert.equal(analysisCacheRoot({ ALR_ANALYSIS_CACHE: 'off' }), null);
  assert.equal(analysisCacheRoot({ ALR_ANALYSIS_CACHE: '0' }), null);
  assert.equal(analysisCacheRoot({ ALR_ANALYSIS_CACHE: '/x/y' }), '/x/y');
  assert.equal(analysisCacheRoot({ XDG_CACHE_HOME: '/c' }), '/c/agents-learn-runtime/analysis');
  assert.equal(analysisCacheRoot({ ALR_CACHE_DIR: '/d', XDG_CACHE_HOME: '/c' }), '/d/analysis');
});

it('gives the same metrics cold, warm and after damage as without the cache (real parser)', async () => {
  const codes = [
    'import json\nids = json.loads(list_items())',
    'info = {}\nfor i in ids:\n    info[i] = json.loads(inspect(i))',
    'best = sorted(info, key=lambda k: -info[k])\nprint(best)',
    'def pick(xs):\n    return [x for x in xs if x in info]\ntake_item(pick(best)[0])',
    'this is not python',
    'finish()',
  ];
  const run = writeRun(tmp, 'run', [
    {
      name: 'pp',
      runtime: 'persistent',
      style: 'persistent',
      episodes: [0, 1, 2].map((t) => ({
        id: `knapsack-000000000${t}`,
        trace: makeTrace(codes.slice(t).map((code) => ({ code, globals: ['ids', 'info', 'best'] }))),
        result: makeResult(0.5, false),
      })),
    },
  ]);
  const uncached = await computeMetrics([run], { analysisCache: null });
  assert.equal(uncached.behavioralAvailable, true);
  const expected = uncached.episodes.map((e) => e.metrics);

  const cold = fresh('cold');
  assert.deepEqual(
    (await computeMetrics([run], { analysisCache: cold })).episodes.map((e) => e.metrics),
    expected,
  );
  assert.equal(packs(cold).length, 1);
  const stored = readFileSync(packs(cold)[0] as string, 'utf8')
    .trimEnd()
    .split('\n');
  assert.equal(stored.length, codes.length, 'one entry per distinct block');

  // A copy is read from disk by this process (each folder is read once per process).
  const warm = fresh('warm');
  cpSync(cold, warm, { recursive: true });
  assert.deepEqual(
    (await computeMetrics([run], { analysisCache: warm })).episodes.map((e) => e.metrics),
    expected,
  );
  assert.equal(packs(warm).length, 1, 'every block came from the cache: nothing new was written');

  const damaged = fresh('damaged');
  cpSync(cold, damaged, { recursive: true });
  const [pack] = packs(damaged);
  const flipped = stored.map((line) => (line.includes('"info"') ? line.replace('"info"', '"infx"') : line));
  assert.notDeepEqual(flipped, stored);
  writeFileSync(pack as string, `${flipped.join('\n')}\n`);
  assert.deepEqual(
    (await computeMetrics([run], { analysisCache: damaged })).episodes.map((e) => e.metrics),
    expected,
  );
  assert.equal(packs(damaged).length, 2, 'the damaged entries were parsed again and stored anew');
});

it('alr compare gives the same tests with an empty, a filled and no cache', async () => {
  const persistent = ['ids = json.loads(list_items())', 'info = {i: inspect(i) for i in ids}', 'finish()'];
  const stateless = [
    'import json\nids = json.loads(list_items())',
    'import json\nids = json.loads(list_items())\ninfo = {i: inspect(i) for i in ids}',
    'import json\nfinish()',
  ];
  const episodes = (codes: string[], turns: number) =>
    Array.from({ length: 6 }, (_, t) => ({
      id: `knapsack-000000000${t}`,
      trace: makeTrace(codes.slice(0, 1 + ((t + turns) % codes.length)).map((code) => ({ code }))),
      result: makeResult(0.1 * t, t > 3),
    }));
  const run = writeRun(tmp, 'pair', [
    { name: 'p', runtime: 'persistent', style: 'persistent', episodes: episodes(persistent, 0) },
    { name: 's', runtime: 'stateless', style: 'stateless', episodes: episodes(stateless, 1) },
  ]);
  const a = join(run, 'results', 'p', 'knapsack');
  const b = join(run, 'results', 's', 'knapsack');
  const uncached = await compareRuns(a, b, { analysisCache: null });
  assert.equal(uncached.paired, 6);
  const root = fresh('compare');
  assert.deepEqual(await compareRuns(a, b, { analysisCache: root }), uncached);
  const copy = fresh('compare-copy');
  cpSync(root, copy, { recursive: true });
  assert.deepEqual(await compareRuns(a, b, { analysisCache: copy }), uncached);

  // The command: ALR_ANALYSIS_CACHE names the folder; --no-analysis-cache leaves it alone.
  const cli = (cache: string, ...flags: string[]) => {
    const r = spawnSync(process.execPath, [cliPath, 'compare', a, b, '--json', ...flags], {
      encoding: 'utf8',
      env: { ...process.env, ALR_ANALYSIS_CACHE: cache },
    });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  };
  const expected = cli('off');
  const cliRoot = fresh('cli');
  assert.equal(cli(cliRoot, '--no-analysis-cache'), expected);
  assert.deepEqual(readdirSync(cliRoot), [], '--no-analysis-cache writes nothing');
  assert.equal(cli(cliRoot), expected);
  assert.ok(packs(cliRoot).length >= 1);
  const written = packs(cliRoot).length;
  assert.equal(cli(cliRoot), expected);
  assert.equal(packs(cliRoot).length, written, 'the second command parsed nothing new');
});
