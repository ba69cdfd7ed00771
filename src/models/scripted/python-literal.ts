// Python source literals for the values the policies copy into their code (str, int, list, dict, set).

export type PyValue = string | number | boolean | null | PyValue[] | { [key: string]: PyValue } | PySet;

/** A Python set literal (empty renders as `set()`). */
export class PySet {
  constructor(readonly items: readonly (string | number)[]) {}
}

export function pyLiteral(value: PyValue): string {
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof PySet)
    return value.items.length === 0 ? 'set()' : `{${value.items.map((v) => pyLiteral(v)).join(', ')}}`;
  if (Array.isArray(value)) return `[${value.map((v) => pyLiteral(v)).join(', ')}]`;
  return `{${Object.entries(value)
    .map(([k, v]) => `${JSON.stringify(k)}: ${pyLiteral(v)}`)
    .join(', ')}}`;
}

/** `name = <literal>` lines, one per variable, in the given order. */
export function pyAssignments(values: Record<string, PyValue>): string {
  return Object.entries(values)
    .map(([name, value]) => `${name} = ${pyLiteral(value)}`)
    .join('\n');
}
