// A run may hold several task families (knapsack, navigation, rule_diagnosis): then every table,
// figure and label names the family, or its rows would read as duplicates. A single-family report
// keeps the reference's columns unchanged.
import type { Condition } from '../metrics/index.js';

/** True when the conditions span more than one family. */
export function showsFamily(conditions: ReadonlyArray<Pick<Condition, 'family'>>): boolean {
  return new Set(conditions.map((c) => c.family ?? '')).size > 1;
}

/** The family as a table cell shows it (`rule_diagnosis` → `Rule diagnosis`). */
export function familyName(family: string | null): string {
  if (!family) return '—';
  const words = family.replace(/_/g, ' ');
  return words[0]?.toUpperCase() + words.slice(1);
}
