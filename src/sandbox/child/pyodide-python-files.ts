// The Python modules of the shared host core that a pyodide session loads (python/host_core.py
// loads the others by name). The memory snapshot holds them compiled, so that a session does not
// compile them again; the snapshot's name depends on their text.
export const PYODIDE_PYTHON_FILES = [
  'host_core.py',
  'process_hooks.py',
  'runtime.py',
  'error_text.py',
  'safe_repr.py',
  'analysis.py',
  'semantics.py',
];
