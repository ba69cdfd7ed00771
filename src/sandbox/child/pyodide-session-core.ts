// The host core of one Pyodide interpreter, built by Python code that both the memory snapshot and
// a session can run: the snapshot builds it once for every session (it holds no reference to
// JavaScript, only a place for the bridge to the host), and a session that finds none it can use
// (no snapshot, or one built from other sources) builds its own.

/**
 * Python defining `_alr_session_core(sources_json, python_dir, fingerprint)`: a dict with the
 * `dispatch` function a worker calls with each request's text, the empty `bridge` list that takes
 * the tool bridge once the session has one, and the `fingerprint` of the sources it was built from.
 */
export const SESSION_CORE = `
def _alr_session_core(sources_json, python_dir, fingerprint):
    import builtins, sys
    # The protocol's json, apart from the one in sys.modules that model code gets.
    import json as private_json
    for name in [n for n in sys.modules if n == "json" or n.startswith("json.")]:
        del sys.modules[name]
    import json as user_json
    encode = private_json.JSONEncoder(ensure_ascii=True, separators=(",", ":")).encode
    decode = private_json.JSONDecoder().decode
    code = {
        name: compile(source, python_dir + "/" + name, "exec", dont_inherit=True)
        for name, source in decode(sources_json).items()
    }

    def load(file_name):
        ns = {"__builtins__": dict(builtins.__dict__), "__name__": "alr_" + file_name[:-3]}
        exec(code[file_name], ns)
        return ns

    bridge = []
    core = load("host_core.py")["HostCore"](load, lambda text: bridge[0](text), encode, decode, user_json)

    def dispatch(text):
        # The harness's interrupt for a step can land anywhere here, even before the step's own
        # handling: the step then ends without running its code.
        try:
            answer = core.handle(decode(text))
        except KeyboardInterrupt:
            answer = core.interrupted(decode(text))
        if answer is None:
            answer = {"op": "failure", "kind": "crash", "detail": "unknown request"}
        return encode(answer)

    return {"dispatch": dispatch, "bridge": bridge, "fingerprint": fingerprint}
`;
