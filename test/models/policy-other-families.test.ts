// Navigation and rule diagnosis: a simple correct strategy is enough; both styles must solve the fixtures.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ScriptedPolicy } from '../../src/models/scripted/policy.js';
import { referenceFixtures } from '../helpers/paths.js';
import { requireSystemDep } from '../helpers/system-deps.js';
import { playEpisode } from './helpers/play.js';
import { hasPython3 } from './helpers/tiny-python.js';

function fixtureTasks(family: string): string[] {
  const files: string[] = [];
  for (const set of ['easy', 'medium', 'hard']) {
    const dir = join(referenceFixtures, 'task-sets', set, 'tasks', family);
    for (const f of readdirSync(dir)) files.push(join(dir, f));
  }
  return files;
}

for (const family of ['navigation', 'rule_diagnosis']) {
  describe(`scripted policies on ${family}`, () => {
    for (const name of ['scripted-persistent', 'scripted-stateless'] as const) {
      it(`${name} solves the fixture tasks in its own runtime`, async (t) => {
        if (!requireSystemDep(t, 'python3', hasPython3())) return;
        const runtime = name === 'scripted-persistent' ? 'persistent' : 'stateless';
        let solved = 0;
        const tasks = fixtureTasks(family);
        for (const path of tasks) {
          const ep = await playEpisode(new ScriptedPolicy(name), path, runtime, { maxToolCalls: 25 });
          if (ep.result.is_solved) solved += 1;
          assert.ok(
            ep.observations.every((o) => o.success || /NameError/.test(o.error ?? '')),
            `${path}: ${ep.observations.map((o) => o.error).join('|')}`,
          );
        }
        assert.equal(solved, tasks.length, `${name} solved ${solved} of ${tasks.length}`);
      });
    }
  });
}
