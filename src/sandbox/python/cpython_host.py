# Child process of the cpython sandbox backend. It talks to the harness over one channel (its
# original stdin and stdout, or a socket the fork server opened for it; one JSON message per line);
# model code sees /dev/null on fds 0 and 1 instead. Before any model code runs it sets resource
# limits and installs an audit hook that refuses process creation, signals, native-library loading,
# network use and file writes outside the scratch directory. The OS sandbox (bubblewrap), where
# available, is the hard boundary; this is a second layer.
#
# With --fork-server=SOCKET this process is the backend's fork server instead (see
# cpython_zygote.py): it does all of the start-up below once and forks one child per episode, each
# of which continues at run_episode().

import builtins
import os
import sys
import _imp
import _queue
import _thread
import marshal
import resource

HERE = os.path.dirname(os.path.abspath(__file__))
BYTECODE_KEY = 0x616C72  # any fixed key; cpython-bytecode.ts hashes with the same one


def parse_args(argv):
    options = {
        "memory_mb": 1024, "scratch": None, "file_size_mb": 64, "confine_reads": False, "bytecode": None,
        "fork_server": None, "hide": [],
    }
    for item in argv:
        key, _, value = item.partition("=")
        if key == "--memory-mb":
            options["memory_mb"] = int(value)
        elif key == "--scratch":
            options["scratch"] = value
        elif key == "--file-size-mb":
            options["file_size_mb"] = int(value)
        elif key == "--confine-reads":
            options["confine_reads"] = value == "1"
        elif key == "--bytecode":
            options["bytecode"] = value
        elif key == "--fork-server":
            options["fork_server"] = value
        elif key == "--hide":
            options["hide"].append(value)
    return options


OPTIONS = parse_args(sys.argv[1:])

# Started with -S: the machine's .pth files (arbitrary code, often slow imports) never run here.
# What site would add that model code may rely on: exit/quit/help/copyright and site-packages.
import site  # noqa: E402  (with -S, importing site does not run its set-up)

site.setquit()
site.setcopyright()
site.sethelper()
for _dir in site.getsitepackages():
    if os.path.isdir(_dir) and _dir not in sys.path:
        sys.path.append(_dir)

# The reference runs model code inside a large agent process, where collections.abc is always
# loaded (so `collections.abc` works without importing it); keep that.
import collections.abc  # noqa: E402,F401

# Private protocol channels (set by open_channel); model code gets /dev/null on fds 0 and 1.
_proto_in = None
_proto_out = None


def open_channel(in_fd, out_fd):
    global _proto_in, _proto_out
    _proto_in = os.fdopen(in_fd, "rb", buffering=0)
    _proto_out = os.fdopen(out_fd, "wb", buffering=0)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    os.close(null)


# A private json for the protocol; model code imports a fresh copy of its own.
import json as _private_json  # noqa: E402

_encode_json = _private_json.JSONEncoder(ensure_ascii=True, separators=(",", ":")).encode
_decode_json = _private_json.JSONDecoder().decode
for _name in [n for n in sys.modules if n == "json" or n.startswith("json.")]:
    del sys.modules[_name]
import json as user_json  # noqa: E402

# The C primitives under threading and queue: those modules cost milliseconds to import, and
# there is one interpreter start per episode.
_write_lock = _thread.allocate_lock()


def send(message):
    data = (_encode_json(message) + "\n").encode("ascii")
    with _write_lock:
        view = memoryview(data)
        while view:
            written = _proto_out.write(view)
            view = view[written:]


inbox = _queue.SimpleQueue()


class StepFlag:
    # Which step runs, and which one the harness interrupted: steps are numbered in the order the
    # reader thread queues them (the main thread takes them in that order). The harness interrupts
    # the step it sent last; the interrupt may come before the main thread has taken that step up,
    # and is then kept for it. Changed only under _step_lock, so an interrupt is delivered once.
    active = False
    seq = 0
    interrupted = 0


step_active = StepFlag()
_step_lock = _thread.allocate_lock()


def reader():
    buffer = b""
    queued_steps = 0
    while True:
        chunk = _proto_in.read(65536)
        if not chunk:
            inbox.put({"op": "exit"})
            return
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            if not line.strip():
                continue
            message = _decode_json(line.decode("utf-8"))
            if message.get("op") == "interrupt":
                with _step_lock:
                    if step_active.active and step_active.seq == queued_steps:
                        _thread.interrupt_main()
                    else:
                        step_active.interrupted = queued_steps
                continue
            if message.get("op") == "step":
                queued_steps += 1
            inbox.put(message)


# Code objects already loaded (immutable): the fork server loads the episode modules' code once,
# and every forked episode runs it from its own copy of memory instead of reading the files again.
_code_cache = {}


def load_code(file_name):
    if file_name not in _code_cache:
        _code_cache[file_name] = read_code(file_name)
    return _code_cache[file_name]


def read_code(file_name):
    # Bytecode compiled by the harness (see cpython-bytecode.ts) saves compiling on every start;
    # it is used only when it was made from exactly this source by this Python.
    path = os.path.join(HERE, file_name)
    with open(path, "rb") as handle:
        source = handle.read()
    if OPTIONS["bytecode"]:
        try:
            with open(os.path.join(OPTIONS["bytecode"], file_name + ".bin"), "rb") as handle:
                data = handle.read()
            header = _imp.source_hash(BYTECODE_KEY, source) + sys.hexversion.to_bytes(4, "little")
            if data[:12] == header:
                return marshal.loads(data[12:])
        except (OSError, ValueError, EOFError, TypeError):
            pass
    return compile(source, path, "exec")


def load_module(file_name):
    # Run under its real file name with a private copy of the builtins.
    namespace = {"__builtins__": dict(builtins.__dict__), "__name__": "alr_" + file_name[:-3]}
    exec(load_code(file_name), namespace)
    return namespace


def host_call(request_text):
    # Answers carry the request's id; stray answers (to requests model code forged) are dropped.
    wanted = _decode_json(request_text).get("id")
    send_raw(request_text)
    while True:
        message = inbox.get()
        if message.get("op") == "tool_result" and message.get("id") == wanted:
            return _encode_json(message)
        if message.get("op") == "exit":
            os._exit(0)


def send_raw(text):
    data = (text + "\n").encode("ascii")
    with _write_lock:
        view = memoryview(data)
        while view:
            written = _proto_out.write(view)
            view = view[written:]


def install_limits():
    limit = OPTIONS["memory_mb"] * 1024 * 1024
    for name, value in (
        ("RLIMIT_AS", limit),
        ("RLIMIT_CORE", 0),
        ("RLIMIT_FSIZE", OPTIONS["file_size_mb"] * 1024 * 1024),
        ("RLIMIT_NPROC", 0),
    ):
        which = getattr(resource, name, None)
        if which is None:
            continue
        try:
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError):
            pass


def make_audit_hook():
    # Built apart from installing it: the fork server builds it once, and each episode installs it.
    scratch = os.path.realpath(OPTIONS["scratch"]) if OPTIONS["scratch"] else None
    readable = [os.path.realpath(p) for p in {sys.prefix, sys.base_prefix, sys.exec_prefix, HERE}]
    readable += ["/dev/null", "/dev/urandom", "/dev/random", "/etc/localtime", "/usr/share/zoneinfo"]
    if scratch:
        readable.append(scratch)
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC
    refused = {
        "os.system", "os.exec", "os.fork", "os.forkpty", "os.posix_spawn", "os.spawn",
        "os.kill", "os.killpg", "os.setuid", "os.setgid", "os.chroot", "os.putenv", "os.unsetenv",
        "subprocess.Popen", "pty.spawn", "signal.pthread_kill", "_posixsubprocess.fork_exec",
        "ctypes.dlopen", "ctypes.dlsym", "ctypes.dlsym/handle", "ctypes.call_function",
        "ctypes.addressof", "ctypes.cdata", "ctypes.string_at", "ctypes.wstring_at",
        "socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg", "socket.getaddrinfo",
        "socket.__new__", "socket.gethostbyname", "socket.gethostbyaddr", "socket.sethostname",
        "gc.get_objects", "gc.get_referrers", "gc.get_referents", "sys.remote_exec",
        "mmap.__new__", "os.add_dll_directory", "winreg.OpenKey", "webbrowser.open",
    }
    path_writers = {
        "os.remove", "os.rename", "os.rmdir", "os.mkdir", "os.chmod", "os.chown", "os.link",
        "os.symlink", "os.truncate", "os.utime", "os.chflags", "os.lchflags", "os.lchmod",
        "os.removexattr", "os.setxattr", "shutil.rmtree", "shutil.copyfile", "shutil.move",
    }
    path_readers = {"os.listdir", "os.scandir", "glob.glob", "os.chdir"}
    realpath = os.path.realpath
    fspath = os.fspath

    def inside(path, roots):
        try:
            if isinstance(path, int):
                return True
            text = fspath(path)
            if isinstance(text, bytes):
                text = text.decode("utf-8", "replace")
            full = realpath(text)
        except Exception:
            return False
        for root in roots:
            if full == root or full.startswith(root.rstrip("/") + "/"):
                return True
        return False

    writable = [scratch] if scratch else []
    # Under bubblewrap only the interpreter's own files exist, so reads need no second check.
    confine_reads = OPTIONS["confine_reads"]

    def hook(event, args):
        if event in refused:
            raise PermissionError("sandbox: '" + event + "' is not allowed")
        if event == "open":
            path, mode, flags = (list(args) + [None, None, None])[:3]
            if path is None or isinstance(path, int):
                return
            wants_write = (isinstance(flags, int) and flags & write_flags) or (
                isinstance(mode, str) and any(c in mode for c in "wax+")
            )
            if wants_write:
                if not inside(path, writable):
                    raise PermissionError("sandbox: writing outside the scratch directory is not allowed")
            elif confine_reads and not inside(path, readable):
                raise PermissionError("sandbox: reading this file is not allowed")
        elif event in path_writers:
            for value in args[:2]:
                if isinstance(value, (str, bytes)) or hasattr(value, "__fspath__"):
                    if not inside(value, writable):
                        raise PermissionError("sandbox: changing files outside the scratch directory is not allowed")
        elif event in path_readers and confine_reads:
            if args and args[0] is not None and not inside(args[0], readable):
                raise PermissionError("sandbox: listing this directory is not allowed")

    return hook


def prepare():
    """The episode's set-up that holds nothing of any episode: the shared request handling
    (host_core.py, which loads the runtime modules) and the audit hook, built but not installed.
    The fork server does this once before it forks; each forked episode starts from a copy."""
    sys.setrecursionlimit(1000)
    core_module = load_module("host_core.py")
    core = core_module["HostCore"](
        load_module, host_call, _encode_json, _decode_json, user_json, disable_processes=False
    )
    return core_module, core, make_audit_hook()


def main(prepared=None):
    if OPTIONS["scratch"]:
        os.chdir(OPTIONS["scratch"])
    _thread.start_new_thread(reader, ())
    install_limits()
    # Loaded while the compiled files are readable (a process of its own), or already loaded.
    core_module, core, audit_hook = prepared or prepare()
    core_module["disable_process_calls"]()
    # The host core refuses new audit hooks from the first session on, so this one comes first.
    sys.addaudithook(audit_hook)
    send({"op": "ready", "python": sys.version.split()[0], "backend": "cpython"})
    while True:
        message = inbox.get()
        if message.get("op") == "exit":
            os._exit(0)
        is_step = message.get("op") == "step"
        with _step_lock:
            step_active.active = is_step
            if is_step:
                step_active.seq += 1
            interrupted_early = is_step and step_active.interrupted == step_active.seq
        try:
            # A step interrupted before it was taken up ends without running its code.
            answer = core.interrupted(message) if interrupted_early else core.handle(message)
        except BaseException as exc:  # noqa: BLE001 - the host must answer whatever happened
            answer = core_module["failure"](exc)
        finally:
            with _step_lock:
                step_active.active = False
        if answer is not None:
            send(answer)


_prepared = None  # the fork server's prepare(), shared by every episode it forks


def run_episode(fd, memory_mb):
    # In a child of the fork server, already isolated (cpython_zygote.isolate_episode).
    OPTIONS["memory_mb"] = memory_mb
    open_channel(fd, os.dup(fd))
    main(_prepared)


EPISODE_MODULES = ("host_core.py", "process_hooks.py", "runtime.py", "error_text.py", "safe_repr.py")


def serve_forks():
    global _prepared
    for name in EPISODE_MODULES:
        load_code(name)
    _prepared = prepare()
    # CPython builds its AST node types on the first compile() of a process (about 1 ms, plus the
    # pages it writes): done once here, not in every episode's first step.
    compile("pass", "<fork server>", "exec")
    control_in, control_out = os.dup(0), os.dup(1)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    os.close(null)
    zygote = load_module("cpython_zygote.py")["Zygote"](
        control_in, control_out, OPTIONS["fork_server"], OPTIONS["hide"], run_episode, _encode_json, _decode_json
    )
    zygote.serve(sys.version.split()[0])
    os._exit(0)


if OPTIONS["fork_server"]:
    serve_forks()
else:
    open_channel(os.dup(0), os.dup(1))
    main()
