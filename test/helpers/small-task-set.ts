import { demoPlan } from '../../src/experiment/demo-plan.js';
import { generateTasks, parseSettings } from '../../src/tasks/index.js';

/** Generates `perFamily` Easy tasks of each family into `outDir` (the demo plan's generator settings). */
export function generateSmallTaskSet(
  outDir: string,
  perFamily: number,
  families: ('knapsack' | 'navigation' | 'rule_diagnosis')[] = ['knapsack', 'rule_diagnosis'],
): string {
  const settings = parseSettings({ ...demoPlan().task_sets.easy.generate?.settings }, 'demo plan settings');
  const summary = generateTasks(settings, { outDir, families, numTasks: perFamily });
  if (summary.failed > 0)
    throw new Error(`task generation failed for ${summary.failed} task(s) in ${outDir}`);
  return outDir;
}
