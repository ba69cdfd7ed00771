# CPython 3.11's wording of errors, on whatever Python the sandbox runs.
#
# The reference harness ran model code on CPython 3.11, and its tracebacks are part of what a model
# sees; newer Pythons (Pyodide's among them) print some errors differently. This module formats an
# exception the way 3.11's traceback module does, restricted to frames of model code ("<string>"),
# and restores 3.11's message where a newer Python reworded it.

import re as _re
import sys as _sys
import types as _types


def safe_str(value, what):
    try:
        return str(value)
    except Exception:
        return "<" + what + " str() failed>"


_safe_str = safe_str


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
