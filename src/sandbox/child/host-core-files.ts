// The Python modules of the host core that both backends load (python/host_core.py loads the others
// by name). Pyodide's memory snapshot holds the host core built from them and its name depends on
// their text; the cpython backend compiles them once per harness. It lives beside the pyodide worker, which may read
// only its own folder.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const HOST_CORE_PYTHON_FILES = [
  'host_core.py',
  'process_hooks.py',
  'runtime.py',
  'error_text.py',
  'safe_repr.py',
  'analysis.py',
  'semantics.py',
];

/** Those files' texts by name, as JSON. */
export function hostCoreSources(pythonDir: string): string {
  return JSON.stringify(
    Object.fromEntries(
      HOST_CORE_PYTHON_FILES.map((name) => [name, readFileSync(join(pythonDir, name), 'utf8')]),
    ),
  );
}
