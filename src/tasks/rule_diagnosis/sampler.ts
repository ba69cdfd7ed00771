import type { RuleDiagnosisConfig } from '../../formats/generator-settings.js';
import { PyRandom } from '../../python/random.js';
import type { RuleParams } from '../types.js';

export interface RuleDiagnosisInstance {
  family: 'rule_diagnosis';
  seed: number;
  difficulty: { rule_family: string; probe_budget: number };
  public: {
    probe_budget: number;
    family_hint: string;
    x_domain: { type: 'int'; suggested_range: [number, number] };
    notes: string | null;
  };
  private: { params: RuleParams };
  reference: { params: RuleParams };
}

/** `sample_rule_diagnosis_instance(seed, cfg)` (reference-behavior.md §1.6). */
export function sampleRuleDiagnosis(seed: number, cfg: RuleDiagnosisConfig): RuleDiagnosisInstance {
  const rng = new PyRandom(seed);
  const family = rng.choice(cfg.families);
  const budget = rng.randint(cfg.probe_budget_range[0], cfg.probe_budget_range[1]);
  let params: RuleParams;
  let pub: RuleDiagnosisInstance['public'];
  if (family === 'linear_int') {
    let a = rng.randint(cfg.linear_a_range[0], cfg.linear_a_range[1]);
    // The coin is drawn only for a == 0 (Python's `and` short-circuits).
    if (a === 0 && rng.random() < 0.7) a = 1;
    const b = rng.randint(cfg.linear_b_range[0], cfg.linear_b_range[1]);
    params = { family, a, b };
    pub = {
      probe_budget: budget,
      family_hint: family,
      x_domain: { type: 'int', suggested_range: [-20, 20] },
      notes: null,
    };
  } else {
    const m = rng.choice(cfg.mod_m_choices);
    const a = rng.randint(cfg.mod_a_range[0], Math.min(cfg.mod_a_range[1], m - 1));
    const b = rng.randint(cfg.mod_b_range[0], Math.min(cfg.mod_b_range[1], m - 1));
    params = { family, m, a, b };
    pub = {
      probe_budget: budget,
      family_hint: family,
      x_domain: { type: 'int', suggested_range: [0, 2 * m] },
      notes: 'Outputs are integers; modulus may apply.',
    };
  }
  return {
    family: 'rule_diagnosis',
    seed,
    difficulty: { rule_family: family, probe_budget: budget },
    public: pub,
    private: { params },
    reference: { params: { ...params } },
  };
}
