// A run over the three task families (scripted policy, real sandbox): the report names the family
// in every table, the figures and the condition labels, one row per family.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateReport } from '../../src/report/index.js';
import { cpythonAvailable } from '../../src/sandbox/index.js';
import { cliPath, referenceFixtures } from '../helpers/paths.js';
import { writeScriptedConfig } from '../helpers/scripted-config.js';
import { stubAnalyzer } from '../metrics/fixtures.js';

const scratch = mkdtempSync(join(tmpdir(), 'alr-report-families-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const out = join(scratch, 'report');
const FAMILIES = ['Knapsack', 'Navigation', 'Rule diagnosis'];

before(async () => {
  const config = writeScriptedConfig(join(scratch, 'config.yaml'), {
    outputDir: scratch,
    cacheDb: join(scratch, 'cache.sqlite'),
    families: ['knapsack', 'navigation', 'rule_diagnosis'],
  });
  const tasks = join(referenceFixtures, 'task-sets', 'easy_100');
  const backend = cpythonAvailable() ? 'cpython' : 'pyodide';
  const run = spawnSync(
    process.execPath,
    [
      cliPath,
      'run',
      '--config',
      config,
      '--tasks',
      tasks,
      '--limit',
      '1',
      '--backend',
      backend,
      '--no-progress',
    ],
    { encoding: 'utf8', timeout: 300_000 },
  );
  assert.equal(run.status, 0, run.stderr);
  await generateReport([join(scratch, 'r')], out, { analyzer: stubAnalyzer, png: false });
});

/** The body rows of a markdown table, split into trimmed cells. */
function markdownRows(file: string): string[][] {
  const lines = readFileSync(join(out, file), 'utf8').trim().split('\n');
  const cells = (line: string) =>
    line
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
  return [cells(lines[0] as string), ...lines.slice(2).map(cells)];
}

describe('alr report on a run with three families', () => {
  for (const file of ['table.md', 'behavior.md']) {
    it(`${file} has a Family column and one row per family`, () => {
      const [head, ...rows] = markdownRows(file);
      assert.deepEqual(head?.slice(0, 4), ['Difficulty', 'Family', 'Train', 'Runtime']);
      assert.deepEqual(rows.map((r) => r[1]).sort(), FAMILIES);
      for (const r of rows) assert.equal(r.length, head?.length, 'every row has every column');
    });
  }

  it('table.tex names the family in its header and rows', () => {
    const tex = readFileSync(join(out, 'table.tex'), 'utf8');
    assert.match(tex, /\\textbf\{Difficulty\} & \\textbf\{Family\} & \\textbf\{Train\}/);
    for (const f of FAMILIES) assert.ok(tex.includes(` & ${f} & `), f);
  });

  it('the HTML tables and condition labels name the family', () => {
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    for (const id of ['main-table', 'behavior-table']) {
      const table = html.slice(
        html.indexOf(`id="${id}"`),
        html.indexOf('</table>', html.indexOf(`id="${id}"`)),
      );
      assert.match(table, /<th class="l">Family<\/th>/, id);
      for (const f of FAMILIES) assert.ok(table.includes(`<td class="l">${f}</td>`), `${id}: ${f}`);
    }
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as {
      conditions: Array<{ label: string }>;
    };
    const labels = metrics.conditions.map((c) => c.label).sort();
    assert.equal(new Set(labels).size, 3, `distinct labels: ${labels.join(', ')}`);
    for (const family of ['knapsack', 'navigation', 'rule_diagnosis'])
      assert.ok(
        labels.some((l) => l.endsWith(`· ${family}`)),
        family,
      );
  });

  it('the figures tell the families apart', () => {
    const svg = readFileSync(join(out, 'behavior.svg'), 'utf8');
    for (const f of FAMILIES) assert.ok(svg.includes(f), f);
  });
});
