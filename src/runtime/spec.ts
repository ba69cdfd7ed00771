// Runtime specs: `BASE[+summary][:key=value[,key=value…]]`, the one place where the text naming a
// runtime is parsed and printed. The plain bases `persistent` and `stateless` are the paper's two
// semantics; the keys describe the runtimes between them (docs/runtimes.md gives the exact rules).
import { InputError } from '../util/errors.js';

/**
 * The two runtimes, and the base of every runtime spec. persistent: one namespace per episode;
 * stateless: a fresh namespace per step (json and the tools only). Defined here once; import it.
 */
export type RuntimeMode = 'persistent' | 'stateless';

/** A runtime as written in configs, flags, traces and condition names (its canonical spec text). */
export type RuntimeName = string;

export type KeepRule = { kind: 'functions' } | { kind: 'data' } | { kind: 'regex'; pattern: string };

export interface RuntimeSpec {
  base: RuntimeMode;
  /** After each step, a message lists what the step bound (name, type, short repr). */
  summary: boolean;
  /** A global neither bound nor read by the last `ttl` steps is deleted. */
  ttl: number | null;
  /** Only the matching globals survive a step. */
  keep: KeepRule | null;
  /** Before each step after the first, the interpreter restarts with this probability. */
  restart: number | null;
  /** Seed of the restart draws (with the task id). */
  seed: number;
}

export const RUNTIME_GRAMMAR =
  'BASE[+summary][:key=value[,key=value…]] with BASE = persistent | stateless and keys ' +
  'ttl=N (N ≥ 1), keep=functions | keep=data | keep=/REGEX/, restart=P (0 ≤ P ≤ 1), seed=S (with restart); ' +
  'ttl, keep and restart need the persistent base; e.g. persistent:ttl=3,restart=0.1 or stateless+summary';

export class RuntimeSpecError extends InputError {}

function fail(text: string, reason: string, file?: string, field?: string): never {
  throw new RuntimeSpecError(
    `invalid runtime '${text}': ${reason}. Grammar: ${RUNTIME_GRAMMAR}`,
    file,
    field,
  );
}

/** Splits `k=v,k=v`, keeping commas inside a `/REGEX/` value. */
function splitPairs(text: string, keys: string, file?: string, field?: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  let rest = keys;
  while (rest.length > 0) {
    const eq = rest.indexOf('=');
    if (eq <= 0) fail(text, `expected key=value, got '${rest.split(',')[0]}'`, file, field);
    const key = rest.slice(0, eq);
    if (key.includes(',')) fail(text, `expected key=value, got '${key.split(',')[0]}'`, file, field);
    let value: string;
    let after: string;
    if (rest[eq + 1] === '/') {
      // A regex runs to the last '/' that ends the value (followed by ',' or the end).
      const body = rest.slice(eq + 1);
      let close = -1;
      for (let i = body.length - 1; i > 0; i--)
        if (body[i] === '/' && (i === body.length - 1 || body[i + 1] === ',')) {
          close = i;
          break;
        }
      if (close < 0) fail(text, `the regex of ${key} has no closing '/'`, file, field);
      value = body.slice(0, close + 1);
      after = body.slice(close + 1);
    } else {
      const comma = rest.indexOf(',', eq);
      value = comma < 0 ? rest.slice(eq + 1) : rest.slice(eq + 1, comma);
      after = comma < 0 ? '' : rest.slice(comma);
    }
    pairs.push([key, value]);
    if (after.startsWith(',')) {
      after = after.slice(1);
      if (after.length === 0) fail(text, 'a trailing comma', file, field);
    }
    rest = after;
  }
  return pairs;
}

/**
 * Parses a runtime spec; a bad one throws an InputError that shows the grammar. `file`/`field`
 * name where the text came from (a config file and key).
 */
export function parseRuntimeSpec(value: unknown, file?: string, field?: string): RuntimeSpec {
  if (typeof value !== 'string') fail(String(value), 'a runtime must be a string', file, field);
  const text = value;
  const colon = text.indexOf(':');
  const head = colon < 0 ? text : text.slice(0, colon);
  const keys = colon < 0 ? null : text.slice(colon + 1);
  const [base, ...modifiers] = head.split('+');
  if (base !== 'persistent' && base !== 'stateless')
    fail(text, `unknown base '${base}' (persistent or stateless)`, file, field);
  const spec: RuntimeSpec = { base, summary: false, ttl: null, keep: null, restart: null, seed: 0 };
  for (const modifier of modifiers) {
    if (modifier !== 'summary') fail(text, `unknown modifier '+${modifier}' (only +summary)`, file, field);
    if (spec.summary) fail(text, '+summary given twice', file, field);
    spec.summary = true;
  }
  if (keys === null) return spec;
  if (keys.length === 0) fail(text, 'nothing after ":"', file, field);
  const seen = new Set<string>();
  let seedGiven = false;
  for (const [key, raw] of splitPairs(text, keys, file, field)) {
    if (seen.has(key)) fail(text, `${key} given twice`, file, field);
    seen.add(key);
    if (key === 'ttl') {
      if (!/^[1-9]\d*$/.test(raw) || !Number.isSafeInteger(Number(raw)))
        fail(text, `ttl must be a positive integer, got '${raw}'`, file, field);
      spec.ttl = Number(raw);
    } else if (key === 'keep') {
      if (raw === 'functions' || raw === 'data') spec.keep = { kind: raw };
      else if (raw.length >= 2 && raw.startsWith('/') && raw.endsWith('/')) {
        const pattern = raw.slice(1, -1);
        if (pattern.length === 0) fail(text, 'keep=// has an empty regex', file, field);
        try {
          new RegExp(pattern, 'u');
        } catch (err) {
          fail(text, `keep regex does not compile (${(err as Error).message})`, file, field);
        }
        spec.keep = { kind: 'regex', pattern };
      } else fail(text, `keep must be functions, data or /REGEX/, got '${raw}'`, file, field);
    } else if (key === 'restart') {
      const p = Number(raw);
      if (!/^(0(\.\d+)?|1(\.0+)?|\.\d+)$/.test(raw) || !(p >= 0 && p <= 1))
        fail(text, `restart must be a probability between 0 and 1, got '${raw}'`, file, field);
      spec.restart = p;
    } else if (key === 'seed') {
      if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw)))
        fail(text, `seed must be a non-negative integer, got '${raw}'`, file, field);
      spec.seed = Number(raw);
      seedGiven = true;
    } else fail(text, `unknown key '${key}'`, file, field);
  }
  if (seedGiven && spec.restart === null) fail(text, 'seed is only used with restart', file, field);
  if (spec.base === 'stateless' && (spec.ttl !== null || spec.keep !== null || spec.restart !== null))
    fail(text, 'ttl, keep and restart act on kept state, so they need the persistent base', file, field);
  return spec;
}

/** The canonical text: modifiers and keys in a fixed order, so that equal specs print equally. */
export function formatRuntimeSpec(spec: RuntimeSpec): RuntimeName {
  const keys: string[] = [];
  if (spec.ttl !== null) keys.push(`ttl=${spec.ttl}`);
  if (spec.keep !== null)
    keys.push(`keep=${spec.keep.kind === 'regex' ? `/${spec.keep.pattern}/` : spec.keep.kind}`);
  if (spec.restart !== null) {
    keys.push(`restart=${spec.restart}`);
    if (spec.seed !== 0) keys.push(`seed=${spec.seed}`);
  }
  return `${spec.base}${spec.summary ? '+summary' : ''}${keys.length > 0 ? `:${keys.join(',')}` : ''}`;
}

/** Parses and re-prints: the canonical name of a runtime given in any accepted spelling. */
export function normalizeRuntime(value: unknown, file?: string, field?: string): RuntimeName {
  return formatRuntimeSpec(parseRuntimeSpec(value, file, field));
}

/** True for `persistent` and `stateless` exactly: the paper's runtimes, run as before. */
export function isPlainRuntime(spec: RuntimeSpec): boolean {
  return !spec.summary && spec.ttl === null && spec.keep === null && spec.restart === null;
}

/** The base of a runtime name; null when the text is not a valid spec. */
export function runtimeBase(name: string | null | undefined): RuntimeMode | null {
  if (typeof name !== 'string') return null;
  try {
    return parseRuntimeSpec(name).base;
  } catch {
    return null;
  }
}

/**
 * A runtime name as part of a file or folder name: plain names and the usual specs are unchanged
 * (`persistent:ttl=2`); characters a path cannot hold or that the `{model}_{runtime}_{set}` folder
 * names use as separators are written %XX.
 */
export function runtimeSlug(name: RuntimeName): string {
  return name.replace(/[^A-Za-z0-9.+=,:-]/g, (c) =>
    [...new TextEncoder().encode(c)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
}

/** The parsed spec of a runtime name; null when the text is not a valid spec. */
export function runtimeSpecOrNull(name: string | null | undefined): RuntimeSpec | null {
  if (typeof name !== 'string') return null;
  try {
    return parseRuntimeSpec(name);
  } catch {
    return null;
  }
}

/** Whether a value names a runtime (any valid spec). */
/**
 * Whether a stateless interpreter must keep each step's namespace until the next step starts, so
 * that the step can be summarized (`stateless+summary`). Told to every interpreter of the session
 * when it is set up, so a replaced interpreter keeps it too.
 */
export function keepsStepNamespace(name: string | null | undefined): boolean {
  const spec = runtimeSpecOrNull(name);
  return spec !== null && spec.base === 'stateless' && spec.summary;
}

export function isRuntimeName(value: unknown): value is RuntimeName {
  return typeof value === 'string' && runtimeBase(value) !== null;
}

/** Names that survive a `keep=` rule; `kind` is what the interpreter reported for the binding. */
export function keeps(rule: KeepRule, name: string, kind: 'function' | 'class' | 'module' | 'data'): boolean {
  if (rule.kind === 'functions') return kind === 'function' || kind === 'class';
  if (rule.kind === 'data') return kind !== 'function' && kind !== 'class';
  return new RegExp(rule.pattern, 'u').test(name);
}
