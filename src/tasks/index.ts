// Public API of the tasks module: other parts import only from here.

export type { Settings } from '../formats/generator-settings.js';
export { dumpSettings, parseSettings } from '../formats/generator-settings.js';
export { createEnvironment } from './create-environment.js';
export type { Environment, TaskFamily, TaskResult } from './environment.js';
export { TASK_FAMILIES } from './environment.js';
export type { GenerateOptions, GenerateProgress, GenerateSummary } from './generator.js';
export { familySeedOffset, generateTasks, loadSettings, taskIdFor } from './generator.js';
export { KnapsackEnvironment } from './knapsack/environment.js';
export type { KnapsackInstance } from './knapsack/sampler.js';
export { sampleKnapsack } from './knapsack/sampler.js';
export { solveKnapsack } from './knapsack/solver.js';
export { listTaskFiles, loadTask, parseTask } from './loader.js';
export { NavigationEnvironment } from './navigation/environment.js';
export { sampleNavigation } from './navigation/sampler.js';
export { RuleDiagnosisEnvironment } from './rule_diagnosis/environment.js';
export { sampleRuleDiagnosis } from './rule_diagnosis/sampler.js';
export type { Tool, ToolArgs, ToolParam, ToolReturn, ToolSpec } from './tool.js';
export { ToolRuntimeError } from './tool.js';
export type { ToolDocOverride, ToolDocOverrides } from './tool-doc.js';
export { renderToolDoc, renderToolPrompt } from './tool-doc.js';
export { DEFAULT_TOOL_DOCS } from './tool-docs.js';
export type {
  KnapsackItem,
  KnapsackTask,
  NavigationTask,
  RuleDiagnosisTask,
  RuleParams,
  Task,
} from './types.js';
