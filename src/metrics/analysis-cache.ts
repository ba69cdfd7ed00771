// A persistent cache of code analyses, so that `alr report` then `alr compare`, or one compare
// after another, parse each distinct block once instead of once per command.
//
// Layout: <root>/<version>/<content hash>.pack. <version> is a hash of everything that shapes an
// analysis: this cache's format, the parser's source (analysis.py) and the Python that runs it
// (the machine's python3, identified by its binary, or Pyodide's version), so a change to any of
// them starts a new, empty folder (the invalidation rule). A pack holds one line per block:
// `<sha256 of the code>\t<check>\t<analysis as JSON>`, where <check> is a hash of the key and the
// JSON. Packs are written to a temporary name and renamed into place, so a reader sees a whole pack
// or none, and concurrent writers never touch each other's files. A line whose check or shape is
// wrong (a torn write, a flipped byte, an edit by hand) is skipped and the block is parsed again.
import { execFile } from 'node:child_process';
import * as crypto from 'node:crypto';
import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BackendName, CodeAnalysis } from '../sandbox/interpreter.js';
import { cacheBase } from '../util/cache-dir.js';

/** Bump when the meaning of a stored analysis changes outside analysis.py (e.g. its conversion). */
const FORMAT = 'alr.analysis-cache.v1';
/** More packs than this at load time are merged into one when the command adds its own. */
const MAX_PACKS = 16;
/** A cache larger than this keeps only what the current command used when it is merged. */
const MAX_BYTES = 32 * 1024 * 1024;
/** Temporary files older than this were left by a writer that died. */
const STALE_TEMP_MS = 60 * 60 * 1000;

const ANALYSIS_SOURCE = fileURLToPath(new URL('../sandbox/python/analysis.py', import.meta.url));

/**
 * The cache folder the CLI uses: `$ALR_ANALYSIS_CACHE` (a folder, or `off`/`0`/`false`/`no`),
 * else `analysis/` under the first of `$ALR_CACHE_DIR`, `$XDG_CACHE_HOME/agents-learn-runtime`
 * and `~/.cache/agents-learn-runtime`. Null when turned off.
 */
export function analysisCacheRoot(env: NodeJS.ProcessEnv = process.env): string | null {
  const setting = env.ALR_ANALYSIS_CACHE?.trim();
  if (setting && /^(0|off|false|no)$/i.test(setting)) return null;
  if (setting) return resolve(setting);
  return join(cacheBase(env), 'analysis');
}

let processDefault: string | null = null;

/** Makes `root` the cache of every `computeMetrics` call that does not choose one (the CLI's). */
export function useAnalysisCacheByDefault(root: string | null): void {
  processDefault = root;
  // Starts naming the Python (a process start when python3 is a script) while the traces are read.
  if (root) void openAnalysisCache(root);
}

export function defaultAnalysisCache(): string | null {
  return processDefault;
}

/** The Python that the default analyzer will run, named without starting it where possible. */
export interface AnalyzerIdentity {
  backend: BackendName;
  /** Changes whenever that Python could parse differently. */
  text: string;
}

const NATIVE_MAGIC = new Set(['7f454c46', 'feedface', 'feedfacf', 'cefaedfe', 'cffaedfe', 'cafebabe']);

function firstBytes(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(4);
    readSync(fd, buf, 0, 4, 0);
    return buf.toString('hex');
  } finally {
    closeSync(fd);
  }
}

function onPath(command: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {}
  }
  return null;
}

/** The real executable and version behind a python3 script; null when it does not answer. */
function askPython(command: string): Promise<string | null> {
  const script = 'import os, sys; print(os.path.realpath(sys.executable), sys.version)';
  return new Promise((done) => {
    execFile(command, ['-I', '-c', script], { encoding: 'utf8', timeout: 30_000 }, (err, stdout) => {
      done(err ? null : stdout.trim());
    });
  });
}

export async function analyzerIdentity(): Promise<AnalyzerIdentity> {
  const python = onPath('python3');
  if (python) {
    const real = realpathSync(python);
    // A native binary is named by its file; a script (a version manager's shim) may run a
    // different Python from one call to the next, so ask it which one (a process start).
    if (NATIVE_MAGIC.has(firstBytes(real))) {
      const info = statSync(real);
      return { backend: 'cpython', text: `cpython ${real} ${info.size} ${info.mtimeMs}` };
    }
    const asked = await askPython(python);
    if (asked) return { backend: 'cpython', text: `cpython ${asked}` };
    // python3 does not run: the analyzer falls back to Pyodide.
  }
  const pkg = createRequire(import.meta.url)('pyodide/package.json') as { version: string };
  return { backend: 'pyodide', text: `pyodide ${pkg.version}` };
}

/** sha256 in hex; the one-shot `crypto.hash` (Node 20.12 and later) costs half as much per entry. */
const sha256: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text)
    : (text) => crypto.createHash('sha256').update(text).digest('hex');

export function codeKey(code: string): string {
  return sha256(code);
}

function check(key: string, json: string): string {
  return sha256(`${key}\t${json}`).slice(0, 16);
}

function stringList(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

/** A stored analysis, rebuilt field by field; null when it is not one. */
function asAnalysis(v: unknown): CodeAnalysis | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  if (typeof o.parsed !== 'boolean') return null;
  if (!stringList(o.bound) || !stringList(o.loaded) || !stringList(o.imports) || !stringList(o.free))
    return null;
  return { parsed: o.parsed, bound: o.bound, loaded: o.loaded, imports: o.imports, free: o.free };
}

/** The text of one entry (a pack line without its newline). */
export function entryLine(key: string, analysis: CodeAnalysis): string {
  const json = JSON.stringify({
    parsed: analysis.parsed,
    bound: analysis.bound,
    loaded: analysis.loaded,
    imports: analysis.imports,
    free: analysis.free,
  });
  return checkedLine(key, json);
}

/** A pack line for any JSON text, its check included (a wrong shape is still refused on reading). */
export function checkedLine(key: string, json: string): string {
  return `${key}\t${check(key, json)}\t${json}`;
}

function parseLine(line: string): [string, CodeAnalysis] | null {
  const first = line.indexOf('\t');
  const second = line.indexOf('\t', first + 1);
  if (first !== 64 || second !== 81) return null;
  const key = line.slice(0, 64);
  const json = line.slice(82);
  if (!/^[0-9a-f]{64}$/.test(key) || line.slice(65, 81) !== check(key, json)) return null;
  try {
    const analysis = asAnalysis(JSON.parse(json));
    return analysis ? [key, analysis] : null;
  } catch {
    return null;
  }
}

/** A folder of ours: owned by this user and closed to others' writes, or it is not trusted. */
function privateDir(dir: string): boolean {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const info = statSync(dir);
  const uid = process.getuid?.();
  if (uid !== undefined && info.uid !== uid) return false;
  return (info.mode & 0o022) === 0;
}

export class AnalysisCache {
  /** Entries that are not yet in any pack this process wrote, by key. */
  private readonly fresh = new Map<string, CodeAnalysis>();
  /** Keys this process looked up and found (kept when an oversized cache is merged). */
  private readonly used = new Set<string>();

  private constructor(
    readonly dir: string,
    /** The backend the folder was named after (answers from another backend are not stored). */
    readonly backend: BackendName,
    private readonly entries: Map<string, CodeAnalysis>,
    /**
     * Lines read but not yet checked, by key: a line is hashed and parsed when its key is first
     * asked for, so a command that needs a few of many stored blocks does not check them all.
     */
    private readonly unchecked: Map<string, string>,
    private readonly packs: string[],
    private readonly bytes: number,
  ) {}

  /** Reads every pack of `identity` under `root`; null when the folder cannot be used. */
  static open(root: string, identity: AnalyzerIdentity): AnalysisCache | null {
    try {
      if (!privateDir(root)) return null;
      const version = crypto
        .createHash('sha256')
        .update(FORMAT)
        .update('\0')
        .update(readFileSync(ANALYSIS_SOURCE))
        .update('\0')
        .update(identity.text)
        .digest('hex')
        .slice(0, 24);
      const dir = join(root, version);
      if (!privateDir(dir)) return null;
      const unchecked = new Map<string, string>();
      const packs: string[] = [];
      let bytes = 0;
      for (const name of readdirSync(dir)) {
        if (!name.endsWith('.pack')) continue;
        let text: string;
        try {
          text = readFileSync(join(dir, name), 'utf8');
        } catch {
          continue; // merged away by another process since the listing
        }
        packs.push(name);
        bytes += text.length;
        for (const line of text.split('\n')) {
          // The key's place only; `parseLine` checks the whole line when the key is asked for.
          if (line.length > 82 && line.charCodeAt(64) === 9) unchecked.set(line.slice(0, 64), line);
        }
      }
      return new AnalysisCache(dir, identity.backend, new Map(), unchecked, packs, bytes);
    } catch {
      return null;
    }
  }

  /** The number of valid entries (checks every line still unchecked). */
  get size(): number {
    this.checkAll();
    return this.entries.size;
  }

  get(key: string): CodeAnalysis | undefined {
    const found = this.lookup(key);
    if (found) this.used.add(key);
    return found;
  }

  /** The entry of a key, its line checked first if it has not been; a bad line is dropped. */
  private lookup(key: string): CodeAnalysis | undefined {
    const found = this.entries.get(key);
    if (found) return found;
    const line = this.unchecked.get(key);
    if (line === undefined) return undefined;
    this.unchecked.delete(key);
    const entry = parseLine(line);
    if (!entry || entry[0] !== key) return undefined;
    this.entries.set(key, entry[1]);
    return entry[1];
  }

  private checkAll(): void {
    for (const key of [...this.unchecked.keys()]) this.lookup(key);
  }

  /** Adds analyses and writes them as one new pack; failures only mean a colder next run. */
  add(items: ReadonlyArray<[string, CodeAnalysis]>): void {
    for (const [key, analysis] of items) {
      if (this.lookup(key)) continue;
      this.entries.set(key, analysis);
      this.fresh.set(key, analysis);
      this.used.add(key);
    }
    if (this.fresh.size === 0) return;
    try {
      if (this.packs.length >= MAX_PACKS) this.merge();
      else {
        this.packs.push(this.writePack([...this.fresh].map(([k, a]) => entryLine(k, a))));
        this.fresh.clear();
      }
    } catch {
      // A read-only or full disk: the analyses are still used for this command.
    }
  }

  /** One pack in place of the ones read at open (only this process's packs and those). */
  private merge(): void {
    this.checkAll();
    const keep =
      this.bytes > MAX_BYTES
        ? [...this.used].map((k) => [k, this.entries.get(k) as CodeAnalysis] as const)
        : [...this.entries];
    const merged = this.writePack(keep.map(([k, a]) => entryLine(k, a)));
    for (const name of this.packs) {
      if (name === merged) continue;
      try {
        unlinkSync(join(this.dir, name));
      } catch {}
    }
    this.packs.splice(0, this.packs.length, merged);
    this.fresh.clear();
    this.removeStaleTemporaries();
  }

  private writePack(lines: string[]): string {
    const text = `${lines.join('\n')}\n`;
    const name = `${sha256(text).slice(0, 32)}.pack`;
    const temporary = join(this.dir, `.${name}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`);
    writeFileSync(temporary, text, { flag: 'wx', mode: 0o600 });
    renameSync(temporary, join(this.dir, name));
    return name;
  }

  private removeStaleTemporaries(): void {
    for (const name of readdirSync(this.dir)) {
      if (!name.endsWith('.tmp')) continue;
      try {
        if (Date.now() - statSync(join(this.dir, name)).mtimeMs > STALE_TEMP_MS)
          unlinkSync(join(this.dir, name));
      } catch {}
    }
  }
}

const opened = new Map<string, Promise<AnalysisCache | null>>();

/** The cache under `root` for the default analyzer, read once per process. */
export function openAnalysisCache(root: string): Promise<AnalysisCache | null> {
  let cache = opened.get(root);
  if (!cache) {
    cache = analyzerIdentity()
      .then((identity) => AnalysisCache.open(root, identity))
      .catch(() => null);
    opened.set(root, cache);
  }
  return cache;
}
