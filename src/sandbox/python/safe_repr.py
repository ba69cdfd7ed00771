# Bounded reprs of values that model code left in a persistent namespace, computed without
# running any model code.
#
# After each persistent step the harness lists the namespace with a repr of every value. repr()
# would call model-defined __repr__, __eq__ and __getattr__ methods outside the step's time, and
# the repr of a 200,000-deep list or of a 50 MB string costs seconds. This module renders values
# itself: the builtin types (and collections' containers) as repr() renders them, every other
# object in object.__repr__'s form ("<module.Class object at 0x...>"), which reads only the type's
# own C fields. Work is bounded by the output limit, a nesting limit and a budget shared by all
# the values of one listing; types are tested with type(x), never isinstance (which can consult
# a model-defined __class__).

import types as _types

MAX_DEPTH = 1000  # repr() of deeper nesting fails with RecursionError in CPython 3.11
INT_BITS_LIMIT = 14_400  # above this an int has more decimal digits than 3.11's 4,300-digit limit
COUNTER_SORT_LIMIT = 10_000  # a larger Counter is shown in the opaque form rather than sorted


class Unrepresentable(Exception):
    pass


class Budget:
    """Work left for one listing, in characters produced (plus a little per value visited)."""

    def __init__(self, units):
        self.units = units


_object_repr = object.__repr__
_type_repr = type.__repr__
_int_repr = int.__repr__
_float_repr = float.__repr__
_complex_repr = complex.__repr__
_str_repr = str.__repr__
_bytes_repr = bytes.__repr__
_dict_items = dict.items
_dict_len = dict.__len__

# Types whose own repr is written in C and reads nothing but C fields of the object and its type.
_C_REPR_TYPES = frozenset(
    (
        _types.FunctionType,
        _types.BuiltinFunctionType,
        _types.MethodWrapperType,
        _types.WrapperDescriptorType,
        _types.MethodDescriptorType,
        _types.ClassMethodDescriptorType,
        _types.GetSetDescriptorType,
        _types.MemberDescriptorType,
        _types.GeneratorType,
        _types.CoroutineType,
        _types.AsyncGeneratorType,
        _types.CodeType,
    )
)
# Pairs, compared with `is`: a dict or set keyed by a model-defined class would call its
# metaclass's __hash__ and __eq__.
_C_REPRS = tuple((cls, cls.__repr__) for cls in _C_REPR_TYPES)
_SINGLETONS = ((type(None), "None"), (type(Ellipsis), "Ellipsis"), (type(NotImplemented), "NotImplemented"))


def _lookup(pairs, cls):
    for known, value in pairs:
        if cls is known:
            return value
    return None


def _collections_types():
    # The C containers are always importable; Counter only exists once collections was imported.
    import _collections

    found = {"deque": _collections.deque, "defaultdict": _collections.defaultdict}
    found["OrderedDict"] = getattr(_collections, "OrderedDict", None)
    return found


_COLLECTIONS = _collections_types()


_dict_get = dict.get


def _loaded_counter():
    # Read once, while only harness code has run (the hosts import collections at start).
    import sys

    module = _dict_get(sys.modules, "collections")
    counter = getattr(module, "Counter", None) if type(module) is _types.ModuleType else None
    return counter if type(counter) is type else None


_COUNTER = _loaded_counter()


def _quoted(text_repr, prefix_len, full, quote_of_full):
    """Fixes the quotes of the repr of a prefix so that they are those of the whole value's repr."""
    body = text_repr[prefix_len + 1 : -1]
    used = text_repr[prefix_len]
    if used != quote_of_full:
        # The prefix chose the other quote: it has "'" and no '"'; the whole value escapes "'".
        body = body.replace("'", "\\'")
    return text_repr[:prefix_len] + quote_of_full + body + quote_of_full


def _str_text(value, room, budget):
    budget.units -= len(value) >> 12  # the two scans below read the whole string
    quote = '"' if ("'" in value and '"' not in value) else "'"
    return _quoted(_str_repr(value[:room]), 0, value, quote)


def _bytes_text(value, room, budget):
    budget.units -= len(value) >> 12
    quote = '"' if (b"'" in value and b'"' not in value) else "'"
    return _quoted(_bytes_repr(bytes(value[:room])), 1, value, quote)


def _int_text(value):
    if value.bit_length() > INT_BITS_LIMIT:
        raise Unrepresentable()
    try:
        return _int_repr(value)
    except ValueError:  # over the interpreter's digit limit, as repr() would fail
        raise Unrepresentable() from None


class _Child:
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


def _sequence(opening, closing, items, single_comma=False):
    yield opening
    count = 0
    for item in items:
        if count:
            yield ", "
        count += 1
        yield _Child(item)
    if single_comma and count == 1:
        yield ","
    yield closing


def _mapping(opening, closing, value):
    yield opening
    first = True
    for key, item in _dict_items(value):
        if not first:
            yield ", "
        first = False
        yield _Child(key)
        yield ": "
        yield _Child(item)
    yield closing


def _pairs(value):
    # OrderedDict as 3.11 shows it: OrderedDict([('a', 1), ...])
    yield "OrderedDict(["
    first = True
    for key, item in _dict_items(value):
        if not first:
            yield ", "
        first = False
        yield "("
        yield _Child(key)
        yield ", "
        yield _Child(item)
        yield ")"
    yield "])"


def _bound_method(value):
    function = value.__func__
    name = function.__qualname__ if type(function) is _types.FunctionType else "?"
    yield "<bound method " + name + " of "
    yield _Child(value.__self__)
    yield ">"


def _parts(value, cls, room, budget):
    """Text of a value, or a generator of texts and _Child values for a container."""
    if cls is str:
        return _str_text(value, room, budget)
    if cls is int:
        return _int_text(value)
    if cls is bool:
        return "True" if value else "False"
    if cls is float:
        return _float_repr(value)
    singleton = _lookup(_SINGLETONS, cls)
    if singleton is not None:
        return singleton
    if cls is list:
        return _sequence("[", "]", value)
    if cls is tuple:
        return _sequence("(", ")", value, single_comma=True)
    if cls is dict:
        return _mapping("{", "}", value)
    if cls is set:
        return _sequence("{", "}", value) if value else "set()"
    if cls is frozenset:
        return _sequence("frozenset({", "})", value) if value else "frozenset()"
    if cls is bytes:
        return _bytes_text(value, room, budget)
    if cls is bytearray:
        return "bytearray(" + _bytes_text(value, room, budget) + ")"
    if cls is complex:
        return _complex_repr(value)
    if cls is range:
        step = value.step
        ends = _int_text(value.start) + ", " + _int_text(value.stop)
        return "range(" + ends + ("" if step == 1 else ", " + _int_text(step)) + ")"
    c_repr = _lookup(_C_REPRS, cls)
    if c_repr is not None:
        return c_repr(value)
    if cls is _types.MethodType:
        return _bound_method(value)
    if cls is _types.ModuleType:
        name = _dict_get(value.__dict__, "__name__")
        return "<module " + (_str_text(name, room, budget) if type(name) is str else "?") + ">"
    if issubclass(cls, type):
        # A class: type's own repr reads the class's C fields, never its metaclass's methods.
        return _type_repr(value)
    return _collection_parts(value, cls) or _object_repr(value)


def _collection_parts(value, cls):
    if cls is _COLLECTIONS["deque"]:
        maxlen = value.maxlen
        closing = "])" if maxlen is None else "], maxlen=" + _int_text(maxlen) + ")"
        return _sequence("deque([", closing, value)
    if cls is _COLLECTIONS["defaultdict"]:
        return _defaultdict(value)
    if cls is _COLLECTIONS["OrderedDict"]:
        return _pairs(value) if _dict_len(value) else "OrderedDict()"
    if _COUNTER is not None and cls is _COUNTER:
        return _counter(value)
    return None


def _defaultdict(value):
    yield "defaultdict("
    yield _Child(value.default_factory)
    yield ", "
    yield from _mapping("{", "}", value)
    yield ")"


def _counter(value):
    if not _dict_len(value):
        return "Counter()"
    if _dict_len(value) > COUNTER_SORT_LIMIT:
        return None
    pairs = list(_dict_items(value))
    if not all(type(count) is int or type(count) is float for _, count in pairs):
        return None
    # most_common(): by count, highest first, ties in insertion order (a stable sort)
    pairs.sort(key=lambda pair: pair[1], reverse=True)
    return _counter_parts(pairs)


def _counter_parts(pairs):
    yield "Counter({"
    for index, (key, count) in enumerate(pairs):
        if index:
            yield ", "
        yield _Child(key)
        yield ": "
        yield _Child(count)
    yield "})"


# Recursion markers, as repr() prints a container that contains itself.
_CYCLE_TEXT = ((list, "[...]"), (dict, "{...}"), (tuple, "(...)"), (set, "{...}"), (frozenset, "{...}"))


# The fast path: values made only of these exact types render with repr() itself, in C, which
# for them calls nothing but the builtin types' own reprs. Types are compared with `is` only:
# looking a model-defined class up in a set would call its metaclass's __hash__.
_NONE_TYPE = type(None)
PLAIN_DEPTH_LIMIT = 100
# Ints up to this size have fewer decimal digits (603) than the smallest digit limit Python lets
# model code set (640), so their repr cannot fail.
PLAIN_INT_BITS = 2000


def _plain_cost(value, limit):
    """The work the general renderer below would count for `value` (one unit per value visited,
    plus a unit per 4,096 characters of each string), or None when repr() is not certain to give
    its exact result: a type other than the plain builtins, a container reached twice (cycles
    included), deep nesting, a huge int, or a text longer than `limit`. Reads at most about
    `limit` values: each one adds at least a character to the text."""
    visits = 0
    text_floor = 0  # a lower bound of len(repr(value))
    seen = set()
    pending = [(value, 0)]
    pop = pending.pop
    push = pending.append
    while pending:
        item, depth = pop()
        visits += 1
        cls = type(item)
        if cls is str:
            size = len(item)
            visits += size >> 12
            text_floor += size + 2
        elif cls is int:
            if item.bit_length() > PLAIN_INT_BITS:
                return None
            text_floor += 1
        elif cls is float or cls is bool or cls is _NONE_TYPE:
            text_floor += 1
        elif cls is list or cls is tuple or cls is dict or cls is set or cls is frozenset:
            key = id(item)
            if key in seen or depth >= PLAIN_DEPTH_LIMIT:
                return None
            seen.add(key)
            text_floor += 2
            if cls is dict:
                for k, v in _dict_items(item):
                    push((k, depth + 1))
                    push((v, depth + 1))
            else:
                for element in item:
                    push((element, depth + 1))
        else:
            return None
        if text_floor > limit or visits > limit:
            return None
    return visits


def bounded_repr(value, limit, budget):
    """repr(value) cut to `limit` characters (plus "..."), "<unrepresentable>" where repr() fails."""
    try:
        cost = _plain_cost(value, limit)
        if cost is not None:
            text = repr(value)
            cost += len(text)
            # The same result, and the same budget used, as the general renderer: only when the
            # whole text fits and the budget never runs out on the way.
            if len(text) <= limit and budget.units - cost > 0:
                budget.units -= cost
                return text
    except Exception:  # noqa: BLE001 - a container changed by another thread: render it below
        pass
    out = []
    size = 0
    active = set()  # ids of the containers being rendered
    stack = []  # (generator, id of its container)
    pending = _Child(value)
    try:
        while True:
            if size > limit or budget.units <= 0:
                break
            if pending is None:
                if not stack:
                    break
                generator, owner = stack[-1]
                try:
                    item = next(generator)
                except StopIteration:
                    stack.pop()
                    active.discard(owner)
                    continue
                if type(item) is str:
                    out.append(item)
                    size += len(item)
                    budget.units -= len(item)
                    continue
                pending = item
            child = pending.value
            pending = None
            budget.units -= 1
            cls = type(child)
            key = id(child)
            if key in active:
                marker = _lookup(_CYCLE_TEXT, cls) or "..."
                out.append(marker)
                size += len(marker)
                continue
            if len(stack) >= MAX_DEPTH:
                raise Unrepresentable()
            parts = _parts(child, cls, limit + 1 - size, budget)
            if type(parts) is str:
                out.append(parts)
                size += len(parts)
                budget.units -= len(parts)
            else:
                active.add(key)
                stack.append((parts, key))
    except Exception:  # noqa: BLE001 - Unrepresentable, or a container changed by another thread
        return "<unrepresentable>"
    text = "".join(out)
    if size > limit or stack or pending is not None:
        return text[:limit] + "..."
    return text
