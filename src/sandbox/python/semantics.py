# Interpreter side of the runtime specs (docs/runtimes.md): lists the user globals with their kind,
# type and a short repr, tells which of them a step bound, and forgets names. The harness decides
# what to forget (ttl, keep) and what to tell the model; this module only reports and deletes.
#
# Everything here runs after model code ran in the same interpreter, so it never calls a method
# that model code could have defined: types, names and reprs are read through the built-in types'
# own descriptors, and only values of exact built-in types are rendered.

import types as _types

_FUNCTION_TYPES = (_types.FunctionType, _types.BuiltinFunctionType, _types.MethodType)
_type_name = type.__dict__["__name__"].__get__
_function_name = _types.FunctionType.__dict__["__name__"].__get__
_builtin_name = _types.BuiltinFunctionType.__dict__["__name__"].__get__
_module_dict = _types.ModuleType.__dict__["__dict__"].__get__

# Reprs in a summary are short: the model re-creates values from them, it does not read data dumps.
REPR_LIMIT = 120
_MAX_DEPTH = 4
_MAX_INT_BITS = 256
# Bindings described (type and repr) per inspection; the rest are listed by name and kind only.
DESCRIBED_LIMIT = 50

# The values seen by the previous inspection, to tell which names a step (re)bound.
_previous = {}


def _kind(value):
    cls = type(value)
    if issubclass(cls, type):
        return "class"
    if issubclass(cls, _FUNCTION_TYPES):
        return "function"
    if issubclass(cls, _types.ModuleType):
        return "module"
    return "data"


def _module_name(value):
    try:
        name = dict.get(_module_dict(value), "__name__")
    except Exception:
        return "?"
    return str.__str__(name) if type(name) is str else "?"


def _render(value, budget, depth):
    cls = type(value)
    if value is None or cls is bool:
        return "True" if value is True else "False" if value is False else "None"
    if cls is int:
        if int.bit_length(value) > _MAX_INT_BITS:
            return "<int of {} bits>".format(int.bit_length(value))
        return int.__repr__(value)
    if cls is float:
        return float.__repr__(value)
    if cls is complex:
        return complex.__repr__(value)
    if cls is str:
        return str.__repr__(str.__getitem__(value, slice(0, budget)))
    if cls is bytes:
        return bytes.__repr__(bytes.__getitem__(value, slice(0, budget)))
    if cls in (list, tuple, set, frozenset, dict) and depth < _MAX_DEPTH:
        if cls is dict:
            items = dict.items(value)
            open_, close = "{", "}"
        else:
            items = value
            open_, close = {list: ("[", "]"), tuple: ("(", ")"), set: ("{", "}"), frozenset: ("frozenset({", "})")}[cls]
        parts = []
        used = 0
        for item in items:
            if used > budget:
                parts.append("...")
                break
            if cls is dict:
                piece = _render(item[0], budget - used, depth + 1) + ": " + _render(item[1], budget - used, depth + 1)
            else:
                piece = _render(item, budget - used, depth + 1)
            parts.append(piece)
            used += len(piece) + 2
        if cls is tuple and len(parts) == 1:
            return "(" + parts[0] + ",)"
        if cls is set and not parts:
            return "set()"
        return open_ + ", ".join(parts) + close
    if issubclass(cls, type):
        return "<class '" + _type_name(value) + "'>"
    if issubclass(cls, _types.FunctionType):
        return "<function " + _function_name(value) + ">"
    if issubclass(cls, _types.BuiltinFunctionType):
        return "<built-in function " + _builtin_name(value) + ">"
    if issubclass(cls, _types.ModuleType):
        return "<module '" + _module_name(value) + "'>"
    return "<" + _type_name(cls) + " object>"


def short_repr(value):
    text = _render(value, REPR_LIMIT, 0)
    return text if len(text) <= REPR_LIMIT else text[:REPR_LIMIT] + "..."


def _user_names(namespace, base, builtin_names):
    # The names a persistent namespace keeps after its clean-up: no tools or json, no dunders, and
    # no names that shadow builtins (runtime.py drops those after every persistent step).
    return [
        k for k in list(namespace)
        if type(k) is str and k not in base and not k.startswith("__") and k not in builtin_names
    ]


def _names_in_code(code):
    # Every name the code mentions at any depth: read, bound, declared global, defined or imported.
    import ast

    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return []
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            found.update(node.names)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.add(node.name)
        elif isinstance(node, ast.alias):
            found.add((node.asname or node.name).split(".")[0])
    return sorted(found)


def inspect(runtime, code, builtin_names):
    persistent = runtime.mode == "persistent"
    namespace = runtime.namespace if persistent else runtime.last_namespace
    if namespace is None:
        namespace = {}
    bindings = []
    seen = {}
    described = 0
    for name in _user_names(namespace, runtime.base, builtin_names):
        value = dict.get(namespace, name)
        changed = not persistent or name not in _previous or _previous[name] is not value
        seen[name] = value
        binding = {"name": name, "kind": _kind(value), "changed": changed}
        if changed and described < DESCRIBED_LIMIT:
            described += 1
            binding["type"] = _type_name(type(value))
            binding["repr"] = short_repr(value)
        bindings.append(binding)
    _previous.clear()
    if persistent:
        _previous.update(seen)
    return {"op": "semantics_done", "bindings": bindings, "names_in_code": _names_in_code(code)}


def forget(runtime, names):
    forgotten = []
    namespace = runtime.namespace
    if runtime.mode == "persistent" and namespace is not None:
        for name in names:
            if type(name) is str and name in namespace and name not in runtime.base:
                del namespace[name]
                _previous.pop(name, None)
                forgotten.append(name)
    return {"op": "semantics_done", "forgotten": forgotten}


def handle(message, runtime, builtin_names):
    """One `semantics` request: {"action": "inspect", "code": …} or {"action": "forget", "names": […]}."""
    action = message.get("action")
    if action == "inspect":
        code = message.get("code")
        return inspect(runtime, code if type(code) is str else "", builtin_names)
    if action == "forget":
        names = message.get("names")
        return forget(runtime, names if type(names) is list else [])
    return {"op": "failure", "kind": "crash", "detail": "unknown semantics action"}
