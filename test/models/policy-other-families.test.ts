// Navigation and rule diagnosis: a simple correct strategy is enough; both styles must solve the
// fixtures, played through the product's agent loop and sandbox (cpython backend).
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { referenceFixtures } from '../helpers/paths.js';
import { ScriptedEpisodes } from './helpers/scripted-episode.js';

function fixtureTasks(family: string): string[] {
  const files: string[] = [];
  for (const set of ['easy', 'medium', 'hard']) {
    const dir = join(referenceFixtures, 'task-sets', set, 'tasks', family);
    for (const f of readdirSync(dir)) files.push(join(dir, f));
  }
  return files;
}

const episodes = new ScriptedEpisodes();
after(() => episodes.shutdown());

for (const family of ['navigation', 'rule_diagnosis']) {
  describe(`scripted policies on ${family}`, () => {
    for (const name of ['scripted-persistent', 'scripted-stateless'] as const) {
      it(`${name} solves the fixture tasks in its own runtime`, async (t) => {
        if (!episodes.available(t)) return;
        const runtime = name === 'scripted-persistent' ? 'persistent' : 'stateless';
        let solved = 0;
        const tasks = fixtureTasks(family);
        for (const path of tasks) {
          const ep = await episodes.play(name, path, runtime);
          if (ep.outcome.evaluation.is_solved) solved += 1;
          assert.equal(ep.outcome.stopReason, 'finish_tool', `${name} did not finish ${path}`);
          assert.ok(
            ep.steps.every((o) => o.success || /NameError/.test(o.error ?? '')),
            `${path}: ${ep.steps.map((o) => o.error).join('|')}`,
          );
        }
        assert.equal(solved, tasks.length, `${name} solved ${solved} of ${tasks.length}`);
      });
    }
  });
}
