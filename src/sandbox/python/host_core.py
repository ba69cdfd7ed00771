# The request loop's body, shared by both transports (cpython_host.py and the pyodide worker).
#
# A transport reads one request at a time and hands it to HostCore.handle, which answers it: set
# up a session ("init"), run a step, reset the process between sessions, or analyse code blocks.
# The transport owns the channel, the process's limits and its own audit hook; this file owns
# what happens inside the interpreter: the calls that are disabled, the process-wide state put
# back before each step, and the loading of the runtime and analysis modules.
#
# Every module here is run by the transport's `load(file_name)` under its real file name, with a
# private copy of the builtins (so model code that replaces builtins cannot change the harness).

import os as _os

# os functions that start or signal processes. Both backends refuse them further down (the audit
# hook on cpython, the absence of processes on Pyodide); these stand-ins give a clearer message.
_STARTS_PROCESSES = (
    "system", "popen", "fork", "forkpty", "execv", "execve", "execl", "execle", "execlp", "execlpe",
    "execvp", "execvpe", "spawnv", "spawnve", "spawnl", "spawnle", "spawnlp", "spawnlpe", "spawnvp",
    "spawnvpe", "posix_spawn", "posix_spawnp",
)
_SIGNALS_PROCESSES = ("kill", "killpg")


def _refuse(message):
    def refused(*_args, **_kwargs):
        raise PermissionError(message)

    return refused


def disable_process_calls():
    starts = _refuse("sandbox: starting processes is not allowed")
    signals = _refuse("sandbox: sending signals is not allowed")
    for name in _STARTS_PROCESSES:
        if hasattr(_os, name):
            setattr(_os, name, starts)
    for name in _SIGNALS_PROCESSES:
        if hasattr(_os, name):
            setattr(_os, name, signals)


class HostCore:
    def __init__(self, load, host_call, encode, decode, user_json, disable_processes=True):
        # load(file_name) -> namespace; host_call(text) -> text sends a tool request and waits;
        # encode/decode: the transport's private json; user_json: the json module model code gets.
        # disable_processes=False: the transport calls disable_process_calls() itself later (the
        # cpython fork server builds one core before it forks, and forks with os.fork).
        self._load = load
        self._user_json = user_json
        if disable_processes:
            disable_process_calls()
        hooks = load("process_hooks.py")
        self._hooks = hooks["ProcessHooks"]()
        runtime_module = load("runtime.py")
        self._builtin_names = runtime_module["BUILTIN_NAMES"]
        self._runtime = runtime_module["Runtime"](
            host_call, encode, decode, load("error_text.py"), load("safe_repr.py")
        )
        self._snapshot = runtime_module["ProcessSnapshot"]()
        self._analysis = None  # loaded on the first analysis request (only the analysis process)
        self._semantics = None  # runtime specs (semantics.py): loaded on the first request

    def handle(self, message):
        """The answer to one request, or None for a request this core does not know."""
        op = message.get("op")
        if op == "init":
            # From the first session on, model code may run: no more audit hooks after this.
            self._hooks.refuse_audit_hooks()
            self._runtime.configure(message["mode"], message["tools"], message.get("outputCap"), self._user_json)
            # stateless+summary: each step's namespace is kept until the next step, to be described.
            self._runtime.track_namespace = message.get("keepStepNamespace") is True
            self._runtime.last_namespace = None
            return {"op": "initialized"}
        if op == "step":
            # What earlier steps left is released first: that can run model __del__ methods,
            # which could set new traps. The harness's interrupt can land here, before the step's
            # code starts: the step then ends interrupted without running it (the next step
            # repeats this preparation).
            try:
                self._runtime.begin_step()
                self._hooks.reset()
            except KeyboardInterrupt:
                return self.interrupted(message)
            result = self._runtime.run_step(message["code"])
            result["op"] = "step_done"
            return result
        if op == "reset":
            self._user_json = self._snapshot.restore(self._runtime.graveyard)
            self._hooks.reset()
            return {"op": "reset_done"}
        if op == "analyze":
            if self._analysis is None:
                self._analysis = self._load("analysis.py")
            return {"op": "analysis", "results": self._analysis["analyze_blocks"](message["blocks"])}
        if op == "semantics":
            if self._semantics is None:
                self._semantics = self._load("semantics.py")
            return self._semantics["handle"](message, self._runtime, self._builtin_names)
        return None

    def interrupted(self, message):
        """The answer when the harness's interrupt ended a request before the request's own
        handling began. The harness interrupts only steps: such a step ran none of its code."""
        if message.get("op") != "step":
            return failure(KeyboardInterrupt())
        result = self._runtime.interrupted_before_start()
        result["op"] = "step_done"
        return result


def failure(exc):
    """The answer when handling a request raised (the transport decides whether to go on)."""
    if issubclass(type(exc), MemoryError):
        return {"op": "failure", "kind": "memory", "detail": "MemoryError"}
    try:
        detail = type(exc).__name__ + ": " + str(exc)[:500]
    except BaseException:  # noqa: BLE001
        detail = type(exc).__name__
    return {"op": "failure", "kind": "crash", "detail": detail}
