import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { formatFixed, generateReport, roundHalfEven, withThousands } from '../../src/report/index.js';
import { cliPath, repoRoot } from '../helpers/paths.js';
import { commandExists, requireSystemDep } from '../helpers/system-deps.js';
import { stubAnalyzer } from '../metrics/fixtures.js';
import { AGENTS, TASKS, writeSyntheticRun } from './synthetic-run.js';

const tmp = mkdtempSync(join(tmpdir(), 'alr-report-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
let runDir = '';
const out = join(tmp, 'report');

before(async () => {
  runDir = writeSyntheticRun(tmp);
  // A counterfactual replay summary as `alr replay` writes it: persistent-style code breaks when replayed stateless.
  const replayEpisodes = AGENTS.flatMap((a) =>
    TASKS.map((id) => ({
      source: `results/${a.name}/knapsack/knapsack-${id}.trace.json`,
      task_id: id,
      diverged_steps: a.style === 'persistent' ? 2 : 0,
      name_error_steps: a.style === 'persistent' ? [1] : [],
      replay_score: a.style === 'persistent' ? 0 : 0.5,
      recorded_score: 0.5,
    })),
  );
  writeFileSync(
    join(runDir, 'replay_stateless.json'),
    JSON.stringify({
      schema: 'alr.replay.v1',
      runtime: 'stateless',
      summary: { episodes: replayEpisodes.length },
      episodes: replayEpisodes,
    }),
  );
  await generateReport([runDir], out, { analyzer: stubAnalyzer });
});

describe('alr report on a synthetic 2×2 run', () => {
  it('writes every output', () => {
    for (const f of [
      'table.md',
      'table.tex',
      'behavior.md',
      'behavior.tex',
      'cost-performance.svg',
      'cost-performance.png',
      'behavior.svg',
      'behavior.png',
      'metrics.json',
      'episodes.csv',
      'report.html',
    ])
      assert.ok(existsSync(join(out, f)), f);
    const png = readFileSync(join(out, 'cost-performance.png'));
    assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    assert.match(readFileSync(join(out, 'cost-performance.svg'), 'utf8'), /^<svg[\s\S]*<\/svg>$/);
  });

  it('shows the counterfactual replay next to each condition', () => {
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    const table = /<table class="data" id="replay-table">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
    const rows = [
      ...table.matchAll(
        /<tr><td class="l">([^<]*)<\/td><td class="l">stateless<\/td><td>(\d+)<\/td><td>(\d+)<\/td><td>(\d+)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><\/tr>/g,
      ),
    ];
    assert.equal(rows.length, AGENTS.length);
    const pp = rows.find((r) => r[1]?.includes('persistent → persistent'));
    assert.deepEqual(pp?.slice(2), [
      String(TASKS.length),
      String(TASKS.length),
      String(TASKS.length),
      '50.0',
      '0.0',
    ]);
    const ss = rows.find((r) => r[1]?.includes('stateless → stateless'));
    assert.deepEqual(ss?.slice(2), [String(TASKS.length), '0', '0', '50.0', '50.0']);
  });

  it('labels conditions from run.json and keeps every episode', () => {
    const m = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    assert.equal(m.conditions.length, 4);
    const labels = m.conditions
      .map((c: { train: string; runtime: string }) => `${c.train}/${c.runtime}`)
      .sort();
    assert.deepEqual(labels, [
      'persistent/persistent',
      'persistent/stateless',
      'stateless/persistent',
      'stateless/stateless',
    ]);
    assert.equal(m.episodes.length, AGENTS.length * TASKS.length);
    const csv = readFileSync(join(out, 'episodes.csv'), 'utf8').trim().split('\n');
    assert.equal(csv.length, 1 + AGENTS.length * TASKS.length);
    assert.ok(csv[0]?.startsWith('difficulty,train,runtime,condition,task_id'));
  });

  it('pairs conditions by task and Holm-adjusts every p-value', () => {
    const m = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    // 4 conditions of one difficulty: 6 pairs, 5 tests each.
    assert.equal(m.comparisons.length, 30);
    for (const t of m.comparisons) {
      assert.equal(t.n, TASKS.length);
      if (t.pvalue !== null) assert.ok(t.pvalue_holm >= t.pvalue - 1e-15 && t.pvalue_holm <= 1);
    }
    // The persistent style meets NameErrors only in the stateless runtime.
    const ne = m.comparisons.find(
      (t: { metric: string; a: string; b: string }) =>
        t.metric === 'has_name_error' &&
        t.a.includes('persistent-persistent') &&
        t.b.includes('persistent-stateless'),
    );
    assert.ok(ne);
    assert.equal(ne.b01, TASKS.length);
  });

  it('table.tex prints the numbers the reference table script prints for the same summaries', (t) => {
    if (!requireSystemDep(t, 'python3', commandExists('python3'))) return;
    const order = [AGENTS[0], AGENTS[1], AGENTS[2], AGENTS[3]];
    const cap = (s: string) => s[0]?.toUpperCase() + s.slice(1);
    const spec = {
      groups: [
        {
          difficulty: 'Easy',
          cells: order.map((a) => ({
            train: cap(a.style),
            runtime: cap(a.runtime),
            summary: join(runDir, `summary_${a.name}-knapsack.json`),
            results: TASKS.map((id) =>
              join(runDir, 'results', a.name, 'knapsack', `knapsack-${id}.json`),
            ).sort(),
          })),
        },
      ],
    };
    const specFile = join(tmp, 'check.json');
    writeFileSync(specFile, JSON.stringify(spec));
    const py = spawnSync('python3', [join(repoRoot, 'test', 'report', 'independent-table.py'), specFile], {
      encoding: 'utf8',
    });
    assert.equal(py.status, 0, py.stderr);
    const expected = py.stdout.trim().split('\n');
    const tex = readFileSync(join(out, 'table.tex'), 'utf8').split('\n');
    const rows = tex.filter((l) => / & .* \\\\$/.test(l) && !l.includes('\\textbf{Difficulty}'));
    assert.deepEqual(rows, expected);
    assert.ok(tex.includes('\\begin{tabular}{lllccccc>{\\columncolor{black!10}}c}'));
    assert.equal(tex.filter((l) => l === '\\bottomrule').length, 1);
  });

  it('a spec file relabels the cells', async () => {
    const spec = {
      caption: 'My caption',
      solved_format: 'percent',
      cells: AGENTS.map((a) => ({
        difficulty: 'Medium',
        train: a.style === 'persistent' ? 'Persistent' : 'Reset',
        runtime: a.runtime === 'persistent' ? 'Persistent' : 'Reset',
        path: join(runDir, `summary_${a.name}-knapsack.json`),
        metrics_path: join(runDir, 'results', a.name, 'knapsack'),
      })),
    };
    const specFile = join(tmp, 'spec.json');
    writeFileSync(specFile, JSON.stringify(spec));
    const out2 = join(tmp, 'report-spec');
    await generateReport([], out2, { spec: specFile, analyzer: stubAnalyzer, png: false });
    const tex = readFileSync(join(out2, 'table.tex'), 'utf8');
    assert.match(tex, /\\caption\{My caption\}/);
    assert.match(tex, /\\rotatebox\[origin=c\]\{90\}\{Medium\}\} & Persistent & Persistent & /);
    assert.match(tex, / & Reset & Reset & /);
    // Solved as a percentage of executed tasks: 2 of 6 solved in every condition.
    assert.match(tex, / & 33 & /);
  });

  it('the CLI reports bad input with the file at fault', () => {
    const r = spawnSync(
      process.execPath,
      [cliPath, 'report', join(tmp, 'missing'), '--out', join(tmp, 'x')],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 1);
    assert.match(r.stderr, /alr: .*missing: no such file or folder/);
  });
});

describe('Python number formatting', () => {
  it('rounds ties to even on the exact binary value, like format specs', () => {
    assert.equal(formatFixed(0.125, 2), '0.12'); // exact tie → even
    assert.equal(formatFixed(0.375, 2), '0.38');
    assert.equal(formatFixed(2.675, 2), '2.67'); // binary value lies below the tie
    assert.equal(formatFixed(75.45, 1), '75.5'); // binary value lies above
    assert.equal(formatFixed(-0.04, 1), '-0.0');
    assert.equal(formatFixed(1e21, 1), '1000000000000000000000.0');
    assert.equal(roundHalfEven(18612.5), 18612);
    assert.equal(roundHalfEven(18613.5), 18614);
    assert.equal(withThousands(1234567), '1,234,567');
    assert.equal(withThousands(999), '999');
  });
});
