# Static analysis of code blocks with Python's own parser, for the behavioral metrics:
# which names a block binds at module level, which it reads, which modules it imports, and which
# names it needs from outside (read before, or without, being bound in the block).

import ast
import builtins

_BUILTINS = frozenset(dir(builtins))
_AST = ast.AST
_CONSTANT = ast.Constant
_EXPR = ast.expr
_STORE_OR_DEL = (ast.Store, ast.Del)
_TARGET_TYPES = (ast.Name, ast.Tuple, ast.List, ast.Starred)
_FIELDS = {}


def _children(node):
    """The child nodes of `node`, as ast.iter_child_nodes gives them, less constants and
    contexts (which bind and read nothing). Most nodes of a typical block are constants in
    literals, so skipping them here is most of the analysis's speed."""
    cls = type(node)
    fields = _FIELDS.get(cls)
    if fields is None:
        fields = _FIELDS[cls] = tuple(f for f in cls._fields if f != "ctx")
    out = []
    for field in fields:
        value = getattr(node, field, None)
        if type(value) is list:
            for item in value:
                if type(item) is not _CONSTANT and isinstance(item, _AST):
                    out.append(item)
        elif type(value) is not _CONSTANT and isinstance(value, _AST):
            out.append(value)
    return out


def _add(seq, seen, name):
    if name not in seen:
        seen.add(name)
        seq.append(name)


def _target_names(target):
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        out = []
        for element in target.elts:
            out.extend(_target_names(element))
        return out
    if isinstance(target, ast.Starred):
        return _target_names(target.value)
    return []


def _function_locals(node):
    """Names local to a function or lambda: parameters plus names it assigns (unless global)."""
    names = set()
    args = node.args
    for arg in args.posonlyargs + args.args + args.kwonlyargs:
        names.add(arg.arg)
    if args.vararg:
        names.add(args.vararg.arg)
    if args.kwarg:
        names.add(args.kwarg.arg)
    declared_global = set()
    body = node.body if isinstance(node.body, list) else [node.body]
    stack = list(body)
    while stack:
        item = stack.pop()
        if isinstance(item, (ast.Global, ast.Nonlocal)):
            declared_global.update(item.names)
            continue
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(item.name)
            continue
        if isinstance(item, ast.Lambda):
            continue
        if isinstance(item, ast.Name) and isinstance(item.ctx, (ast.Store, ast.Del)):
            names.add(item.id)
        elif isinstance(item, ast.alias):
            names.add((item.asname or item.name).split(".")[0])
        elif isinstance(item, ast.ExceptHandler) and item.name:
            names.add(item.name)
        stack.extend(_children(item))
    return names - declared_global, declared_global


class _Analyzer:
    def __init__(self):
        self.bound, self.bound_seen = [], set()
        self.loaded, self.loaded_seen = [], set()
        self.imports, self.imports_seen = [], set()
        self.free, self.free_seen = [], set()
        self.all_module_bound = set()

    def bind(self, name):
        _add(self.bound, self.bound_seen, name)

    def load(self, name, scopes):
        _add(self.loaded, self.loaded_seen, name)
        if any(name in scope for scope in scopes):
            return
        if name in _BUILTINS or name in self.free_seen:
            return
        if any("__comprehension__" not in scope for scope in scopes):
            # Inside a function: the global is looked up when the function runs.
            if name in self.all_module_bound:
                return
        elif name in self.bound_seen:
            return
        _add(self.free, self.free_seen, name)

    # Walks in evaluation order: values before the targets they are assigned to.
    def visit(self, node, scopes):
        method = _VISITORS.get(type(node))
        if method is not None:
            method(self, node, scopes)
        else:
            for child in _children(node):
                self.visit(child, scopes)

    def store(self, target, scopes):
        if isinstance(target, ast.Name):
            if not scopes:
                self.bind(target.id)
            return
        self.visit(target, scopes)

    def visit_Name(self, node, scopes):
        if isinstance(node.ctx, ast.Load):
            self.load(node.id, scopes)
        elif not scopes:
            self.bind(node.id)

    def visit_Assign(self, node, scopes):
        self.visit(node.value, scopes)
        for target in node.targets:
            self.store(target, scopes)

    def visit_AnnAssign(self, node, scopes):
        if node.value is not None:
            self.visit(node.value, scopes)
        self.visit(node.annotation, scopes)
        if node.value is not None or not isinstance(node.target, ast.Name):
            self.store(node.target, scopes)

    def visit_AugAssign(self, node, scopes):
        self.visit(node.value, scopes)
        if isinstance(node.target, ast.Name):
            self.load(node.target.id, scopes)
        self.store(node.target, scopes)

    def visit_NamedExpr(self, node, scopes):
        self.visit(node.value, scopes)
        self.store(node.target, [s for s in scopes if not s.get("__comprehension__")])

    def _visit_for(self, node, scopes):
        self.visit(node.iter, scopes)
        self.store(node.target, scopes)
        for statement in node.body + node.orelse:
            self.visit(statement, scopes)

    visit_For = _visit_for
    visit_AsyncFor = _visit_for

    def visit_withitem(self, node, scopes):
        self.visit(node.context_expr, scopes)
        if node.optional_vars is not None:
            self.store(node.optional_vars, scopes)

    def visit_ExceptHandler(self, node, scopes):
        if node.type is not None:
            self.visit(node.type, scopes)
        if node.name and not scopes:
            self.bind(node.name)
        inner = scopes + [{node.name: True}] if (node.name and scopes) else scopes
        for statement in node.body:
            self.visit(statement, inner)

    def visit_Import(self, node, scopes):
        for alias in node.names:
            _add(self.imports, self.imports_seen, alias.name)
            if not scopes:
                self.bind(alias.asname or alias.name.split(".")[0])

    def visit_ImportFrom(self, node, scopes):
        module = "." * (node.level or 0) + (node.module or "")
        _add(self.imports, self.imports_seen, module)
        for alias in node.names:
            if not scopes and alias.name != "*":
                self.bind(alias.asname or alias.name)

    def _visit_function(self, node, scopes):
        for decorator in node.decorator_list:
            self.visit(decorator, scopes)
        for default in node.args.defaults + [d for d in node.args.kw_defaults if d is not None]:
            self.visit(default, scopes)
        if not scopes:
            self.bind(node.name)
        local_names, declared_global = _function_locals(node)
        if not scopes:
            for name in declared_global:
                self.bind(name)
        scope = {name: True for name in local_names}
        for statement in node.body:
            self.visit(statement, scopes + [scope])

    visit_FunctionDef = _visit_function
    visit_AsyncFunctionDef = _visit_function

    def visit_Lambda(self, node, scopes):
        for default in node.args.defaults + [d for d in node.args.kw_defaults if d is not None]:
            self.visit(default, scopes)
        local_names, _ = _function_locals(node)
        self.visit(node.body, scopes + [{name: True for name in local_names}])

    def visit_ClassDef(self, node, scopes):
        for expression in node.decorator_list + node.bases + [k.value for k in node.keywords]:
            self.visit(expression, scopes)
        if not scopes:
            self.bind(node.name)
        # Class bodies run at definition time; their names do not leak to the module.
        body_scope = {}
        for statement in node.body:
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                body_scope[statement.name] = True
        for statement in node.body:
            self.visit(statement, scopes + [body_scope])

    def _visit_comprehension(self, node, scopes):
        scope = {"__comprehension__": True}
        for index, generator in enumerate(node.generators):
            # The first iterable is evaluated in the enclosing scope.
            self.visit(generator.iter, scopes if index == 0 else scopes + [scope])
            for name in _target_names(generator.target):
                scope[name] = True
            for condition in generator.ifs:
                self.visit(condition, scopes + [scope])
        inner = scopes + [scope]
        if isinstance(node, ast.DictComp):
            self.visit(node.key, inner)
            self.visit(node.value, inner)
        else:
            self.visit(node.elt, inner)

    visit_ListComp = _visit_comprehension
    visit_SetComp = _visit_comprehension
    visit_DictComp = _visit_comprehension
    visit_GeneratorExp = _visit_comprehension

    def visit_Constant(self, node, scopes):
        pass


# Node type -> visitor method (a dictionary lookup instead of building a method name per node).
_VISITORS = {
    getattr(ast, name[len("visit_"):]): method
    for name, method in vars(_Analyzer).items()
    if name.startswith("visit_") and isinstance(getattr(ast, name[len("visit_"):], None), type)
}


# Pattern nodes that bind a name (Python 3.10 and later).
_MATCH_CAPTURES = tuple(getattr(ast, n) for n in ("MatchAs", "MatchStar") if hasattr(ast, n))


def _module_bindings(tree, walrus=True):
    """Every name the module binds anywhere in its own scope (not in function or class bodies,
    nor comprehension variables), plus names a function declares global. Without `walrus`
    (no ":=" in the source) an expression can bind nothing, so only targets are looked at."""
    names = set()
    # (node, at module level, inside a comprehension at module level)
    stack = [(node, True, False) for node in tree.body]
    while stack:
        node, module, comprehension = stack.pop()
        if isinstance(node, ast.Global):
            names.update(node.names)
            continue
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            if module and not isinstance(node, ast.Lambda):
                names.add(node.name)
            # Decorators, defaults, annotations and bases run in the enclosing scope.
            outer = getattr(node, "decorator_list", []) + getattr(node, "bases", [])
            outer += [k.value for k in getattr(node, "keywords", [])]
            if not isinstance(node, ast.ClassDef):
                args = node.args
                outer += args.defaults + [d for d in args.kw_defaults if d is not None]
            stack.extend((child, module, comprehension) for child in outer)
            body = node.body if isinstance(node.body, list) else [node.body]
            stack.extend((child, False, False) for child in body)
            continue
        if not walrus and isinstance(node, _EXPR):
            if not (isinstance(node, _TARGET_TYPES) and isinstance(node.ctx, _STORE_OR_DEL)):
                continue
        if module:
            if isinstance(node, ast.NamedExpr) and isinstance(node.target, ast.Name):
                # := binds in the enclosing scope, even inside a comprehension.
                names.add(node.target.id)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
                if not comprehension:
                    names.add(node.id)
            elif isinstance(node, ast.alias):
                names.add((node.asname or node.name).split(".")[0])
            elif isinstance(node, ast.ExceptHandler) and node.name:
                names.add(node.name)
            elif isinstance(node, _MATCH_CAPTURES) and node.name:
                names.add(node.name)
            elif type(node).__name__ == "MatchMapping" and node.rest:
                names.add(node.rest)
        inner = comprehension or isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp))
        stack.extend((child, module, inner) for child in _children(node))
    return names


def analyze_block(source):
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return {"parsed": False, "bound": [], "loaded": [], "imports": [], "free": []}
    analyzer = _Analyzer()
    analyzer.all_module_bound = _module_bindings(tree, ":=" in source)
    try:
        for statement in tree.body:
            analyzer.visit(statement, [])
    except RecursionError:
        return {"parsed": False, "bound": [], "loaded": [], "imports": [], "free": []}
    return {
        "parsed": True,
        "bound": analyzer.bound,
        "loaded": analyzer.loaded,
        "imports": analyzer.imports,
        "free": analyzer.free,
    }


def analyze_blocks(blocks):
    return [analyze_block(block if isinstance(block, str) else "") for block in blocks]
