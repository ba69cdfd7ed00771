# Process-wide state that model code can change and that outlives a step: trace and profile
# functions, the exception/display/unraisable/breakpoint hooks, the standard streams, the recursion
# and integer-digit limits, the SIGINT handler (the harness interrupts a step through it), the
# garbage collector's callbacks, the import finders, the thread switch interval and the async
# generator hooks. The host records them once, before any model code runs, and puts them back at
# the start of every step, so that a trap set by one step cannot break the next (a transport that
# gives each stateless step a fresh interpreter goes further than this in-interpreter layer).
#
# Audit hooks cannot be removed once added, so adding one is refused instead: the host installs
# an audit hook of its own that rejects the 'sys.addaudithook' event.

import gc as _gc
import sys as _sys

try:
    import _signal
except ImportError:  # a platform without signals
    _signal = None

_HOOKS = ("excepthook", "displayhook", "unraisablehook", "breakpointhook")
ADD_AUDIT_HOOK_REFUSED = "sandbox: 'sys.addaudithook' is not allowed"


def _refuse_audit_hooks(event, _args):
    if event == "sys.addaudithook":
        raise PermissionError(ADD_AUDIT_HOOK_REFUSED)


class ProcessHooks:
    def __init__(self):
        sys = _sys
        self.streams = (sys.stdin, sys.stdout, sys.stderr)
        self.recursion_limit = sys.getrecursionlimit()
        self.int_digits = sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else None
        self.switch_interval = sys.getswitchinterval()
        self.asyncgen_hooks = tuple(sys.get_asyncgen_hooks())
        self.meta_path = list(sys.meta_path)
        self.gc_callbacks = list(_gc.callbacks)
        self.sigint = _signal.getsignal(_signal.SIGINT) if _signal is not None else None
        # The originals, in case model code replaces sys.__excepthook__ and the like as well.
        self.hooks = {name: getattr(sys, "__" + name + "__") for name in _HOOKS}
        self.audit_refused = False

    def refuse_audit_hooks(self):
        """From now on no audit hook can be added (the transport adds its own before this)."""
        if not self.audit_refused:
            _sys.addaudithook(_refuse_audit_hooks)
            self.audit_refused = True

    def reset(self):
        sys = _sys
        sys.settrace(None)
        sys.setprofile(None)
        threading = sys.modules.get("threading")
        if type(threading) is type(sys) and "settrace" in threading.__dict__:
            # Functions it would install in threads started later.
            threading.__dict__["_trace_hook"] = None
            threading.__dict__["_profile_hook"] = None
        for name, hook in self.hooks.items():
            setattr(sys, name, hook)
            setattr(sys, "__" + name + "__", hook)
        sys.stdin, sys.stdout, sys.stderr = self.streams
        sys.setrecursionlimit(self.recursion_limit)
        if self.int_digits is not None:
            sys.set_int_max_str_digits(self.int_digits)
        sys.setswitchinterval(self.switch_interval)
        sys.set_asyncgen_hooks(*self.asyncgen_hooks)
        sys.meta_path = list(self.meta_path)
        _gc.callbacks[:] = self.gc_callbacks
        if _signal is not None and self.sigint is not None:
            try:
                _signal.signal(_signal.SIGINT, self.sigint)
            except Exception:  # noqa: BLE001 - not the main thread, or no signal support
                pass
