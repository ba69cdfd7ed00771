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
import re as _re
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
GLOBAL_REPR_LIMIT = 2000


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


def _safe_str(value, what):
    try:
        return str(value)
    except Exception:
        return "<" + what + " str() failed>"


def _qualified_type_name(exc_type):
    name = getattr(exc_type, "__qualname__", None) or exc_type.__name__
    module = getattr(exc_type, "__module__", None)
    if module not in ("__main__", "builtins"):
        if not isinstance(module, str):
            module = "<unknown>"
        name = module + "." + name
    return name


def _syntax_error_lines(exc, type_name):
    # The layout of CPython 3.11's traceback module, so that every Python version prints the same.
    lines = []
    suffix = ""
    if exc.lineno is not None:
        lines.append('  File "{}", line {}\n'.format(exc.filename or "<string>", exc.lineno))
    elif exc.filename is not None:
        suffix = " ({})".format(exc.filename)
    text = exc.text
    if text is not None:
        right = text.rstrip("\n")
        left = right.lstrip(" \n\f")
        spaces = len(right) - len(left)
        lines.append("    {}\n".format(left))
        if exc.offset is not None:
            start = exc.offset
            end = exc.end_offset if exc.end_offset not in (None, 0) else start
            if start == end or end == -1:
                end = start + 1
            col = start - 1 - spaces
            end_col = end - 1 - spaces
            if col >= 0:
                pad = "".join(c if c.isspace() else " " for c in left[:col])
                lines.append("    {}{}\n".format(pad, "^" * (end_col - col)))
    message = exc.msg or "<no detail available>"
    lines.append("{}: {}{}\n".format(type_name, message, suffix))
    return lines


def _exception_only(exc):
    """format_exception_only as CPython 3.11 prints it (no 3.12+ "Did you mean" suggestions)."""
    exc_type = type(exc)
    type_name = _qualified_type_name(exc_type)
    if isinstance(exc, SyntaxError):
        lines = _syntax_error_lines(exc, type_name)
    else:
        text = _safe_str(exc, "exception")
        lines = [type_name + "\n" if not text else "{}: {}\n".format(type_name, text)]
    notes = getattr(exc, "__notes__", None)
    if isinstance(notes, (list, tuple)):
        for note in notes:
            lines.append((note if isinstance(note, str) else _safe_str(note, "note")) + "\n")
    return lines


# Source of every code object compiled from model code, so that an error can be related to the
# expression that raised it (used to restore CPython 3.11's wording on newer Pythons).
_SOURCES = {}


def register_source(code, source):
    stack = [code]
    while stack:
        item = stack.pop()
        _SOURCES[item] = source
        stack.extend(c for c in item.co_consts if isinstance(c, _types.CodeType))


_MESSAGE_REWRITES = [
    (ValueError, _re.compile(r"^too many values to unpack \(expected (\d+), got \d+\)$"), r"too many values to unpack (expected \1)"),
    (ValueError, _re.compile(r"^(min|max)\(\) iterable argument is empty$"), r"\1() arg is an empty sequence"),
    (ValueError, _re.compile(r"^expected a (positive|nonnegative) input(, got .*)?$"), "math domain error"),
    (ValueError, _re.compile(r"^expected a number in range from .* up to .*, got .*$"), "math domain error"),
]

class _LazyAst:
    # ast is needed only to word some errors as CPython 3.11 does; importing it on every
    # interpreter start would cost milliseconds per episode.
    def __getattr__(self, name):
        import ast

        return getattr(ast, name)


_ast = _LazyAst()


def _safe_nodes():
    return (_ast.Expression, _ast.Name, _ast.Constant, _ast.Attribute, _ast.Subscript, _ast.Load,
            _ast.UnaryOp, _ast.USub, _ast.UAdd, _ast.Slice, _ast.Tuple)


def _failing_node(tb):
    """The AST node of the expression whose instruction raised, or None."""
    code = tb.tb_frame.f_code
    source = _SOURCES.get(code)
    if source is None or not hasattr(code, "co_positions"):
        return None
    positions = list(code.co_positions())
    index = tb.tb_lasti // 2
    if not 0 <= index < len(positions):
        return None
    line, end_line, col, end_col = positions[index]
    if None in (line, end_line, col, end_col):
        return None
    lines = source.splitlines()
    if line == end_line:
        segment = lines[line - 1][col:end_col]
    else:
        segment = "\n".join([lines[line - 1][col:]] + lines[line:end_line - 1] + [lines[end_line - 1][:end_col]])
    try:
        tree = _ast.parse(segment.strip(), mode="exec")
    except SyntaxError:
        return None
    if len(tree.body) != 1:
        return None
    node = tree.body[0]
    return node.value if isinstance(node, _ast.Expr) else node


def _value_of(node, frame):
    """Evaluates a side-effect-free operand (names, constants, attributes, subscripts)."""
    safe = _safe_nodes()
    if not all(isinstance(n, safe) for n in _ast.walk(_ast.Expression(node))):
        raise ValueError("not a simple operand")
    expression = _ast.fix_missing_locations(_ast.Expression(node))
    return eval(compile(expression, "<alr-operand>", "eval"), frame.f_globals, frame.f_locals)


_ZERO_DIVISION_311 = {
    ("Div", False): "division by zero",
    ("Div", True): "float division by zero",
    ("FloorDiv", False): "integer division or modulo by zero",
    ("FloorDiv", True): "float floor division by zero",
    ("Mod", False): "integer modulo by zero",
    ("Mod", True): "float modulo",
    ("divmod", False): "integer division or modulo by zero",
    ("divmod", True): "float divmod()",
}


def _zero_division_311(node, frame):
    if isinstance(node, _ast.BinOp):
        op, operands = type(node.op).__name__, [node.left, node.right]
    elif isinstance(node, _ast.AugAssign):
        target = _ast.parse(_ast.unparse(node.target), mode="eval").body  # the same expression, loaded
        op, operands = type(node.op).__name__, [target, node.value]
    elif isinstance(node, _ast.Call) and isinstance(node.func, _ast.Name) and node.func.id == "divmod" and len(node.args) == 2:
        op, operands = "divmod", node.args
    else:
        return None
    values = [_value_of(operand, frame) for operand in operands]
    if not all(type(v) in (int, float, bool) for v in values):
        return None
    return _ZERO_DIVISION_311.get((op, any(type(v) is float for v in values)))


def _list_index_311(node, frame):
    if isinstance(node, _ast.Call) and isinstance(node.func, _ast.Attribute) and node.func.attr == "index" and node.args:
        return "{!r} is not in list".format(_value_of(node.args[0], frame))
    return None


def _message_311(exc, tb):
    """CPython 3.11's message where a newer Python words the same error differently; else None."""
    text = _safe_str(exc, "exception")
    for exc_type, pattern, replacement in _MESSAGE_REWRITES:
        if type(exc) is exc_type and pattern.match(text):
            return pattern.sub(replacement, text)
    if tb is None:
        return None
    try:
        if type(exc) is ZeroDivisionError and text == "division by zero":
            node = _failing_node(tb)
            return _zero_division_311(node, tb.tb_frame) if node is not None else None
        if type(exc) is ValueError and text == "list.index(x): x not in list":
            node = _failing_node(tb)
            return _list_index_311(node, tb.tb_frame) if node is not None else None
    except Exception:
        return None
    return None


def format_error(exc):
    frames = []
    innermost = None
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename == "<string>":
            frames.append('  File "<string>", line {}, in {}\n'.format(tb.tb_lineno, code.co_name))
            innermost = tb
        tb = tb.tb_next
    head = "Traceback (most recent call last):\n" + "".join(frames) if frames else ""
    lines = _exception_only(exc)
    if _sys.version_info >= (3, 12) and not isinstance(exc, SyntaxError):
        message = _message_311(exc, innermost)
        if message is not None:
            lines[0] = "{}: {}\n".format(_qualified_type_name(type(exc)), message)
    return (head + "".join(lines)).strip()


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

    def restore(self):
        _sys.settrace(None)
        _sys.setprofile(None)
        current = _builtins_module.__dict__
        current.clear()
        current.update(self.builtins)
        for name in [n for n in _sys.modules if n not in self.modules]:
            del _sys.modules[name]
        for name in [n for n in _sys.modules if n == "json" or n.startswith("json.")]:
            del _sys.modules[name]
        import json as fresh_json

        return fresh_json


class Runtime:
    def __init__(self, host_call, encode, decode):
        # host_call(str) -> str sends one request to the harness and waits for its answer.
        self._host_call = host_call
        self._encode = encode
        self._decode = decode
        self.mode = "persistent"
        self.output_cap = None
        self.base = None
        self.namespace = None
        self.tool_names = []
        self.request_id = 0

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

    def run_step(self, code):
        persistent = self.mode == "persistent"
        namespace = self.namespace if persistent else dict(self.base)
        buffer = OutputBuffer(self.output_cap)
        namespace["print"] = _make_print(buffer)
        success, error, error_type, interrupted = True, None, None, False
        try:
            compiled = compile(code, "<string>", "exec")
            register_source(compiled, code)
            exec(compiled, namespace)
        except ToolCallLimitError as exc:
            success, error, error_type = False, _safe_str(exc, "exception"), "ToolCallLimitError"
        except BaseException as exc:  # noqa: BLE001 - SystemExit, KeyboardInterrupt… end the step only
            _sys.settrace(None)
            _sys.setprofile(None)
            success, error_type = False, type(exc).__name__
            interrupted = isinstance(exc, KeyboardInterrupt)
            try:
                error = format_error(exc)
            except BaseException:  # noqa: BLE001
                error = error_type
        finally:
            _sys.settrace(None)
            _sys.setprofile(None)
        if persistent:
            self._heal(namespace)
        if getattr(self, "track_namespace", False):  # set and read by semantics.py (runtime specs)
            self.last_namespace = namespace
        return {
            "success": success,
            "output": buffer.text(),
            "truncated": buffer.truncated(),
            "output_chars": buffer.total,
            "error": error,
            "error_type": error_type,
            "interrupted": interrupted,
            "globals": self._user_globals() if persistent else [],
        }

    def _heal(self, namespace):
        # Reference "self-healing": re-install the tools, then drop names that shadow builtins.
        for name in self.tool_names:
            namespace[name] = self.base[name]
        for key in [k for k in namespace if k not in self.base and k in BUILTIN_NAMES]:
            del namespace[key]

    def _user_globals(self):
        found = []
        for key, value in list(self.namespace.items()):
            if not isinstance(key, str) or key in self.base or key.startswith("__"):
                continue
            if isinstance(value, _MODULE_TYPE):
                continue
            try:
                text = repr(value)
                if not isinstance(text, str):
                    text = "<unrepresentable>"
            except BaseException:  # noqa: BLE001
                text = "<unrepresentable>"
            if len(text) > GLOBAL_REPR_LIMIT:
                text = text[:GLOBAL_REPR_LIMIT] + "..."
            found.append([key, text])
        return found
