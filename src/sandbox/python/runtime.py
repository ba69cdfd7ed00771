# Python side of the sandbox, shared by the pyodide and cpython backends.
#
# It runs one step of model-written code with the reference interpreter's semantics: only print()
# to stdout is observed, no echo of a final expression, tools are synchronous functions whose calls
# go to the harness, errors are shown as tracebacks restricted to "<string>" frames.
#
# The host compiles this file under its own file name (never "<string>", so its frames never show
# in tracebacks) and with a private copy of the builtins, so that user code that overwrites
# builtins or json cannot change how the runtime reports a step. The harness checks every tool
# request it receives, so nothing done here is trusted for accounting.

import builtins as _builtins_module
import gc as _gc
import sys as _sys
import types as _types

_MODULE_TYPE = _types.ModuleType
_str_of_str = str.__str__


class ToolException(Exception):
    pass


class ToolInvocationException(ToolException):
    def __init__(self, message):
        super().__init__()
        self.message = message

    def __str__(self):
        return "ToolInvocationException:\n" + self.message


class ToolRuntimeException(ToolException):
    def __init__(self, message):
        super().__init__()
        self.message = message

    def __str__(self):
        return "ToolRuntimeException: " + self.message


class ToolCallLimitError(RuntimeError):
    pass


# The reference defines these in its own modules; tracebacks print the qualified names.
for _cls in (ToolException, ToolInvocationException, ToolRuntimeException):
    _cls.__module__ = "pythonformer.codeact.tool"
ToolCallLimitError.__module__ = "pythonformer.codeact.interpreter"

# Names deleted from a persistent namespace after each step (reference behavior, documented).
BUILTIN_NAMES = frozenset(dir(_builtins_module))
_real_print = _builtins_module.print

TRUNCATION_MARKER = "\n[output truncated: showing the first {shown} of {total} characters]"
GLOBAL_REPR_LIMIT = 2000  # characters of one value's repr in the globals listing
GLOBALS_LISTED_LIMIT = 10_000  # names listed after a step
GLOBAL_NAME_LIMIT = 1_000  # longer names (only reachable through globals()) are not listed
GLOBALS_REPR_BUDGET = 200_000  # characters of repr produced for one listing, all values together


class OutputBuffer:
    """Collects observed output, keeping at most `cap` characters (None: everything)."""

    def __init__(self, cap):
        self.cap = cap
        self.parts = []
        self.kept = 0
        self.total = 0

    def write(self, text):
        if type(text) is not str:
            text = _str_of_str(text)
        self.total += len(text)
        if self.cap is None:
            self.parts.append(text)
            return len(text)
        room = self.cap - self.kept
        if room > 0:
            piece = text[:room]
            self.parts.append(piece)
            self.kept += len(piece)
        return len(text)

    def flush(self):
        pass

    def text(self):
        out = "".join(self.parts)
        if self.cap is not None and self.total > self.cap:
            out += TRUNCATION_MARKER.format(shown=self.cap, total=self.total)
        return out

    def truncated(self):
        return self.cap is not None and self.total > self.cap


def _make_print(buffer):
    def print(*args, sep=" ", end="\n", file=None, flush=False):
        if file is None or file == _sys.stdout:
            file = buffer
        try:
            _real_print(*args, sep=sep, end=end, file=file, flush=flush)
        except Exception:
            # The reference swallows errors raised while printing.
            pass

    return print


def _describe_argument(value):
    """What the harness needs to bind and type-check one argument, as the reference does."""
    cls = type(value)
    try:
        type_name = value.__class__.__name__
    except Exception:
        type_name = cls.__name__
    if not isinstance(type_name, str):
        type_name = cls.__name__
    if issubclass(cls, bool):
        return {"type": type_name, "kinds": ["bool", "int"], "value": bool(value)}
    if issubclass(cls, int):
        return {"type": type_name, "kinds": ["int"], "value": int.__index__(value)}
    if issubclass(cls, float):
        number = float.__float__(value)
        if number != number or number in (float("inf"), float("-inf")):
            return {"type": type_name, "kinds": ["float"], "value": repr(number), "special": True}
        return {"type": type_name, "kinds": ["float"], "value": number}
    if issubclass(cls, str):
        return {"type": type_name, "kinds": ["str"], "value": _str_of_str(value)}
    if value is None:
        return {"type": type_name, "kinds": ["none"], "value": None}
    return {"type": type_name, "kinds": []}


class ProcessSnapshot:
    """What a reused process returns to between sessions (only with recycle="namespace")."""

    def __init__(self):
        self.builtins = dict(_builtins_module.__dict__)
        self.modules = set(_sys.modules)

    def restore(self, keep):
        # Whatever is dropped goes to `keep`, so that no model-defined __del__ runs here.
        _sys.settrace(None)
        _sys.setprofile(None)
        current = _builtins_module.__dict__
        keep.append(list(_dict_items(current)))
        _dict_clear(current)
        _dict_update(current, self.builtins)
        modules = _sys.modules
        entries = list(_dict_items(modules))
        keep.append(entries)
        kept = [
            (name, module)
            for name, module in entries
            if type(name) is str and name in self.modules and name != "json" and not name.startswith("json.")
        ]
        _dict_clear(modules)
        _dict_update(modules, kept)
        import json as fresh_json

        return fresh_json


_traceback_of = BaseException.__traceback__.__get__
_context_of = BaseException.__context__.__get__
_cause_of = BaseException.__cause__.__get__
_with_traceback = BaseException.with_traceback


def _unlink_tracebacks(exc):
    """Frees an exception's traceback one frame at a time, innermost first. Released whole, the
    traceback of a deep recursion frees its frames recursively, which can overflow the stack of
    a WebAssembly interpreter."""
    pending, seen = [exc], set()
    while pending and len(seen) < 100:
        exc = pending.pop()
        if exc is None or id(exc) in seen:
            continue
        seen.add(id(exc))
        pending.extend((_context_of(exc), _cause_of(exc)))
        entries = []
        tb = _traceback_of(exc)
        while tb is not None:
            entries.append(tb)
            tb = tb.tb_next
        _with_traceback(exc, None)
        for tb in entries:
            tb.tb_next = None
        tb = None  # the loop variable would keep the innermost frame, and with it the whole chain
        while entries:
            entries.pop()


_dict_items = dict.items
_dict_clear = dict.clear
_dict_update = dict.update
_dict_get = dict.get


class Runtime:
    def __init__(self, host_call, encode, decode, error_text, safe_repr):
        # host_call(str) -> str sends one request to the harness and waits for its answer.
        self._host_call = host_call
        self._encode = encode
        self._decode = decode
        self._format_error = error_text["format_error"]
        self._register_source = error_text["register_source"]
        self._safe_str = error_text["safe_str"]
        self._bounded_repr = safe_repr["bounded_repr"]
        self._budget = safe_repr["Budget"]
        self.mode = "persistent"
        self.track_namespace = False
        self.last_namespace = None
        self.output_cap = None
        self.base = None
        self.namespace = None
        self.tool_names = []
        self.request_id = 0
        # Objects the harness let go of after a step. They are released at the start of the next
        # step, inside its time limit, because releasing them can run model-defined __del__.
        self.graveyard = []
        self._gc_was_enabled = True

    def configure(self, mode, tools, output_cap, json_module):
        self.mode = mode
        self.output_cap = output_cap
        self.tool_names = [tool["name"] for tool in tools]
        base = {"__builtins__": _builtins_module, "json": json_module}
        for tool in tools:
            base[tool["name"]] = self._make_tool(tool["name"], tool.get("doc", ""))
        self.base = base
        self.namespace = dict(base) if mode == "persistent" else None

    def _make_tool(self, name, doc):
        call = self._call_tool

        def tool(*args, **kwargs):
            return call(name, args, kwargs)

        tool.__name__ = name
        tool.__qualname__ = name
        tool.__doc__ = doc
        return tool

    def _call_tool(self, name, args, kwargs):
        self.request_id += 1
        request = {
            "op": "tool",
            "id": self.request_id,
            "name": name,
            "args": [_describe_argument(a) for a in args],
            "kwargs": {str(k): _describe_argument(v) for k, v in kwargs.items()},
        }
        answer = self._decode(self._host_call(self._encode(request)))
        if answer.get("ok"):
            value = answer.get("value")
            kind = answer.get("py")
            if kind == "int" and value is not None:
                return int(value)
            if kind == "float" and value is not None:
                return float(value)
            return value
        kind = answer.get("kind")
        message = answer.get("message", "")
        if kind == "limit":
            raise ToolCallLimitError(message)
        if kind == "invocation":
            raise ToolInvocationException(message)
        raise ToolRuntimeException(message)

    def begin_step(self):
        """Step-start clean-up: releases what earlier steps left and lets the collector run again."""
        graveyard = self.graveyard
        self.graveyard = []
        for item in graveyard:
            if issubclass(type(item), BaseException):
                _unlink_tracebacks(item)
        graveyard.clear()
        if self._gc_was_enabled:
            _gc.enable()

    def end_step(self):
        # No cyclic collection (and so no model __del__) while the harness inspects the step.
        self._gc_was_enabled = _gc.isenabled()
        _gc.disable()

    def interrupted_before_start(self):
        """The answer to a step whose code never ran: the harness's interrupt came while the
        step was being prepared. The namespace is as the last step left it."""
        self.end_step()
        return {
            "success": False,
            "output": "",
            "truncated": False,
            "output_chars": 0,
            "error": "KeyboardInterrupt",
            "error_type": "KeyboardInterrupt",
            "interrupted": True,
            "globals": self._user_globals() if self.mode == "persistent" else [],
        }

    def run_step(self, code):
        try:
            persistent = self.mode == "persistent"
            namespace = self.namespace if persistent else dict(self.base)
            buffer = OutputBuffer(self.output_cap)
            namespace["print"] = _make_print(buffer)
        except KeyboardInterrupt:
            return self.interrupted_before_start()
        success, error, error_type, interrupted = True, None, None, False
        try:
            compiled = compile(code, "<string>", "exec")
            self._register_source(compiled, code)
            exec(compiled, namespace)
        except ToolCallLimitError as exc:
            self.graveyard.append(exc)
            success, error, error_type = False, self._safe_str(exc, "exception"), "ToolCallLimitError"
        except BaseException as exc:  # noqa: BLE001 - SystemExit, KeyboardInterrupt… end the step only
            self.graveyard.append(exc)  # its traceback holds the step's frames and their locals
            _sys.settrace(None)
            _sys.setprofile(None)
            success, error_type = False, type(exc).__name__
            interrupted = issubclass(type(exc), KeyboardInterrupt)
            try:
                error = self._format_error(exc)
            except BaseException:  # noqa: BLE001
                error = error_type
        finally:
            _sys.settrace(None)
            _sys.setprofile(None)
            self.end_step()
        listing = []
        if persistent:
            # Bounded work, but the harness's interrupt can still arrive just as the code ends:
            # then it is done again (both parts can be repeated), once.
            for attempt in (1, 2):
                try:
                    self._heal(namespace)
                    listing = self._user_globals()
                    break
                except KeyboardInterrupt:
                    interrupted = True
                    if attempt == 2:
                        raise
        else:
            self.graveyard.append(namespace)
        if self.track_namespace:  # stateless+summary (host_core.py); read by semantics.py
            self.last_namespace = namespace
        return {
            "success": success,
            "output": buffer.text(),
            "truncated": buffer.truncated(),
            "output_chars": buffer.total,
            "error": error,
            "error_type": error_type,
            "interrupted": interrupted,
            "globals": listing,
        }

    def _heal(self, namespace):
        # Reference "self-healing": re-install the tools, then drop names that shadow builtins.
        # Keys that are not plain strings (no Python name can refer to them; only globals() can
        # put them there) are dropped first: looking a key up can call their __hash__/__eq__.
        graveyard = self.graveyard
        if not all(type(key) is str for key in namespace):
            entries = list(_dict_items(namespace))
            graveyard.append(entries)
            _dict_clear(namespace)
            _dict_update(namespace, [(k, v) for k, v in entries if type(k) is str])
        base = self.base
        for name in self.tool_names:
            graveyard.append(_dict_get(namespace, name))
            namespace[name] = base[name]
        for key in [k for k in namespace if k not in base and k in BUILTIN_NAMES]:
            graveyard.append(namespace.pop(key))

    def _user_globals(self):
        # The reference lists every name with repr(value); the names are the same here, the
        # values are rendered by safe_repr.py (bounded, no model code runs).
        found = []
        budget = self._budget(GLOBALS_REPR_BUDGET)
        bounded_repr = self._bounded_repr
        base = self.base
        for key, value in list(_dict_items(self.namespace)):
            if type(key) is not str or len(key) > GLOBAL_NAME_LIMIT:
                continue
            if key in base or key.startswith("__") or issubclass(type(value), _MODULE_TYPE):
                continue
            if len(found) >= GLOBALS_LISTED_LIMIT:
                break
            found.append([key, bounded_repr(value, GLOBAL_REPR_LIMIT, budget)])
        return found
