import type { Environment } from './environment.js';
import { KnapsackEnvironment } from './knapsack/environment.js';
import { NavigationEnvironment } from './navigation/environment.js';
import { RuleDiagnosisEnvironment } from './rule_diagnosis/environment.js';
import type { Task } from './types.js';

/** A fresh environment (new episode state) for a validated task. */
export function createEnvironment(task: Task): Environment {
  switch (task.family) {
    case 'knapsack':
      return new KnapsackEnvironment(task);
    case 'navigation':
      return new NavigationEnvironment(task);
    case 'rule_diagnosis':
      return new RuleDiagnosisEnvironment(task);
  }
}
