// Docstrings of the rule-diagnosis tools as the model sees them (our own words; overridable).
export const RULE_DIAGNOSIS_TOOL_DOCS = {
  test_input: {
    doc: 'Evaluate the hidden function at x and return the integer result. Every call uses one probe of the budget.',
    args: { x: 'the integer to feed to the hidden function' },
  },
  submit: {
    doc: [
      'Check a guess of the hidden parameters. Returns True when every parameter matches and False',
      'otherwise. You may submit more than once; the last submission decides the outcome.',
    ].join('\n'),
    args: {
      params: 'a JSON object in a string, mapping parameter names to integers, e.g. \'{"a": 2, "b": -3}\'',
    },
  },
} as const;
