export interface RulePromptFacts {
  family: string;
  probeBudget: number;
}

const FORMULAS: Record<string, string> = {
  linear_int: 'f(x) = a*x + b with hidden integers a and b',
  affine_mod: 'f(x) = (a*x + b) mod m with hidden integers a, b and modulus m',
};

/** A short description of the hidden function's form, for the goal prompt. */
export function ruleFormula(family: string): string {
  return FORMULAS[family] ?? 'an integer function with hidden integer parameters';
}

/** The first user message of a rule-diagnosis episode, in our own words. */
export function ruleDiagnosisGoalPrompt(facts: RulePromptFacts): string {
  return `Task: Rule diagnosis
Find the hidden parameters of an integer function f(x) by probing it.

What you know:
- Function family: ${facts.family}, that is ${ruleFormula(facts.family)}
- Probe budget: ${facts.probeBudget} calls to test_input(x)
- Inputs and outputs are integers.

Rules:
- test_input(x) returns f(x) and uses one probe; calls beyond the budget fail.
- Pick your inputs with care so that few probes pin down every parameter.
- When you are confident, call submit(params) with a JSON object string such as '{"a": 2, "b": -3}' naming every parameter; it returns True or False, and your last submission counts.
`;
}
