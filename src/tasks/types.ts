// The task types are inferred from the task file's schema (src/formats/task-file.ts).
export type {
  KnapsackItem,
  KnapsackTask,
  NavigationTask,
  RuleDiagnosisTask,
  RuleParams,
  TaskFile as Task,
} from '../formats/task-file.js';
