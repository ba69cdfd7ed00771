/**
 * A YAML writer that reproduces PyYAML's `yaml.dump(data)` defaults for config-like data: keys sorted,
 * block style, lists at their key's indentation, `null`, floats as Python prints them (`300.0`,
 * `1.0e-05`), strings quoted exactly when YAML 1.1 would read them as something else.
 * Not covered: PyYAML's folding of plain strings longer than 80 columns and its single-quoted style
 * for multi-line strings (we write those double-quoted, which reads back the same).
 */
import { floatRepr } from './float-repr.js';
import { PyFloat } from './json.js';

// The implicit resolvers of PyYAML (YAML 1.1): a plain string matching one must be quoted.
const IMPLICIT = [
  /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^(?:~|null|Null|NULL|)$/,
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/,
  /^(?:<<|=)$/,
];

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

function plainAllowed(s: string): boolean {
  if (IMPLICIT.some((re) => re.test(s))) return false;
  if (s.startsWith(' ') || s.endsWith(' ')) return false;
  if (/^[#,[\]{}&*!|>'"%@`]/.test(s)) return false;
  if (/^[-?:](?: |$)/.test(s)) return false;
  if (s.includes(': ') || s.includes(' #') || s.endsWith(':')) return false;
  return true;
}

function doubleQuoted(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (code >= 0x20 && code <= 0x7e) out += ch;
    else if (code <= 0xff) out += `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`;
    else if (code <= 0xffff) out += `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += `\\U${code.toString(16).toUpperCase().padStart(8, '0')}`;
  }
  return `${out}"`;
}

function scalarString(s: string): string {
  if (!PRINTABLE_ASCII.test(s)) return doubleQuoted(s);
  return plainAllowed(s) ? s : `'${s.replaceAll("'", "''")}'`;
}

function floatText(x: number): string {
  if (Number.isNaN(x)) return '.nan';
  if (x === Number.POSITIVE_INFINITY) return '.inf';
  if (x === Number.NEGATIVE_INFINITY) return '-.inf';
  const repr = floatRepr(x).toLowerCase();
  return !repr.includes('.') && repr.includes('e') ? repr.replace('e', '.0e') : repr;
}

function scalar(value: unknown): string | undefined {
  if (value === null || value === undefined) return 'null';
  if (value instanceof PyFloat) return floatText(value.value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : floatText(value);
  if (typeof value === 'string') return scalarString(value);
  if (Array.isArray(value) && value.length === 0) return '[]';
  if (typeof value === 'object' && !Array.isArray(value) && Object.keys(value as object).length === 0)
    return '{}';
  return undefined;
}

function emit(value: unknown, indent: string, lines: string[]): void {
  if (Array.isArray(value)) {
    for (const item of value) {
      const s = scalar(item);
      if (s !== undefined) {
        lines.push(`${indent}- ${s}`);
        continue;
      }
      // A nested block: its first line goes after the dash, the rest indented by two.
      const inner: string[] = [];
      emit(item, '', inner);
      lines.push(`${indent}- ${inner[0]}`);
      for (const line of inner.slice(1)) lines.push(`${indent}  ${line}`);
    }
    return;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record).sort()) {
    const item = record[key];
    if (item === undefined) continue;
    const s = scalar(item);
    if (s !== undefined) lines.push(`${indent}${scalarString(key)}: ${s}`);
    else {
      lines.push(`${indent}${scalarString(key)}:`);
      // PyYAML puts a list under a key at the key's own indentation, a mapping two deeper.
      emit(item, Array.isArray(item) ? indent : `${indent}  `, lines);
    }
  }
}

/** `yaml.dump(value)` of PyYAML for mappings, lists and scalars (PyFloat marks Python floats). */
export function pyYamlDump(value: unknown): string {
  const s = scalar(value);
  if (s !== undefined) return `${s}\n`;
  const lines: string[] = [];
  emit(value, '', lines);
  return `${lines.join('\n')}\n`;
}
