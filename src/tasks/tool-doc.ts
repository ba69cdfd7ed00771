import { floatRepr } from '../python/float-repr.js';
import type { ToolParam, ToolSpec } from './tool.js';

/** Replacement texts for a tool's docstring and argument descriptions (e.g. from a prompt pack). */
export interface ToolDocOverride {
  doc?: string;
  args?: Record<string, string>;
}

/** Tool name → override. */
export type ToolDocOverrides = Record<string, ToolDocOverride>;

function renderDefault(param: ToolParam): string {
  const value = param.default;
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') {
    if (param.type === 'float' || !Number.isInteger(value)) return floatRepr(value);
    return String(value);
  }
  // Python's str() of a string default: the bare text, no quotes.
  return value;
}

function renderAnnotation(param: ToolParam): string {
  if (param.required) return param.type;
  if (param.default === null || param.default === undefined) return `${param.type} | None = None`;
  return `${param.type} = ${renderDefault(param)}`;
}

/** Python's textwrap.indent with the default predicate: whitespace-only lines stay as they are. */
function indentLines(text: string, prefix: string): string {
  return text
    .split(/(?<=\n)/)
    .map((line) => (line.trim() === '' ? line : prefix + line))
    .join('');
}

/**
 * Renders a tool as the Python signature plus docstring shown to the model, in the reference's
 * layout: `def name(arg: type) -> ret`, then the indented `"""`, doc, blank line, `Args:` block.
 */
export function renderToolDoc(spec: ToolSpec, override?: ToolDocOverride): string {
  const args = spec.params.map((p) => `${p.name}: ${renderAnnotation(p)}`).join(', ');
  const signature = `def ${spec.name}(${args}) -> ${spec.returns}`;
  const lines = ['"""', override?.doc ?? spec.doc, '', 'Args:'];
  for (const p of spec.params) lines.push(`  ${p.name}: ${override?.args?.[p.name] ?? p.doc}`);
  lines.push('"""');
  return `${signature}\n${indentLines(lines.join('\n'), '  ')}`;
}

/**
 * The tool list message: "Available tools:" followed by each tool's doc, plus the per-block
 * tool-call limit sentence (with the reference's leading space) when a limit is set.
 */
export function renderToolPrompt(
  tools: readonly ToolSpec[],
  maxToolCalls?: number | null,
  docs?: ToolDocOverrides,
): string {
  let text = `Available tools:\n${tools.map((t) => renderToolDoc(t, docs?.[t.name])).join('\n')}`;
  if (maxToolCalls !== undefined && maxToolCalls !== null) {
    text += `\n The maximum number of tool calls allowed per turn is ${maxToolCalls}.\n`;
  }
  return text;
}
