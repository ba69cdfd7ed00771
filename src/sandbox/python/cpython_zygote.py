# The fork server of the cpython backend ("zygote"): one interpreter per sandbox pool, inside the
# OS sandbox, that has done every start-up step an episode needs and forks one child per episode.
# It never runs model code. When it starts, it moves into a user namespace of its own and forks
# once: that child is PID 1 of a new PID namespace and serves the forks. Each episode is a direct
# child of it, PID 1 of a PID namespace of its own, and leaves the server's namespaces before any
# model code runs: new user, mount, IPC and network namespaces, an empty /proc, a /tmp of its own
# and no capabilities. See docs/security.md (cpython fork server).
#
# Control channel (the zygote's stdin/stdout, one JSON object per line):
#   harness -> zygote: {op: "fork", id, memoryMb}, {op: "kill", id}
#   zygote -> harness: {op: "ready", python, pid, nspid, isolated, detail}, {op: "forked", id, pid},
#                      {op: "fork_failed", id, message}, {op: "exit", id, code, signal}
# The episode's own channel is a connection to the harness's socket that the zygote opens and
# announces with the request's one-time id before forking, so a child never connects anywhere.

import ctypes
import os
import select
import selectors
import signal
import _socket

CLONE_NEWNS = 0x00020000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
# The server's own: a user namespace in which it holds the capabilities to make PID namespaces,
# and a PID namespace of which it is PID 1.
SERVER_NAMESPACES = CLONE_NEWUSER | CLONE_NEWPID
# An episode's PID namespace is made by the server as it forks (fork_isolated); these the episode
# makes itself.
EPISODE_NAMESPACES = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWNET

MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REC = 0x4000
MS_PRIVATE = 0x40000

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_CAPBSET_DROP = 24
PR_SET_NO_NEW_PRIVS = 38
CAPABILITY_VERSION_3 = 0x20080522

# Above every descriptor a process can have (RLIMIT_NOFILE's hard ceiling is smaller).
_FD_LIMIT = 1 << 30

# The user id an episode has inside its own user namespace: not 0, so that nothing it could
# execute regains capabilities there.
EPISODE_UID = 1000

_libc = ctypes.CDLL(None, use_errno=True)
_libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
_libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
_libc.unshare.argtypes = [ctypes.c_int]
_libc.setns.argtypes = [ctypes.c_int, ctypes.c_int]


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


class SetupError(Exception):
    pass


class ServerBroken(SetupError):
    """The server cannot make another isolated child: it exits and the harness starts a new one."""


def _check(result, what):
    if result != 0:
        errno = ctypes.get_errno()
        raise SetupError(what + " failed: " + os.strerror(errno))


def _prctl(option, arg):
    _check(_libc.prctl(option, arg, 0, 0, 0), "prctl(%d)" % option)


def _mount(source, target, fstype, flags, data):
    _check(
        _libc.mount(source, target.encode(), fstype, flags, data.encode() if data else None),
        "mounting " + target,
    )


def _write(path, text):
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def _drop_capabilities():
    # The bounding set first (that needs CAP_SETPCAP), then every capability this process holds.
    for cap in range(64):
        if _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            break
    header = _CapHeader(CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()
    _check(_libc.capset(ctypes.byref(header), data), "dropping capabilities")


def _close_other_fds(keep):
    # Nothing of the zygote's (its control channel, its other children's pidfds) stays open.
    # closerange is one close_range() call on Linux, however many siblings the zygote has.
    os.closerange(3, keep)
    os.closerange(keep + 1, _FD_LIMIT)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    os.close(null)


def _write_id_maps(inside, uid, gid):
    _write("/proc/self/setgroups", "deny")
    _write("/proc/self/uid_map", "%d %d 1" % (inside, uid))
    _write("/proc/self/gid_map", "%d %d 1" % (inside, gid))


def enter_server_namespaces(control_fds):
    """Runs once in the process bubblewrap started. Returns in the fork server proper: PID 1 of a
    new PID namespace owned by a new user namespace (uid 0 there), in which it holds the
    capabilities that making a PID namespace per episode needs; the result is a descriptor of that
    PID namespace. The calling process stays behind, waits for the server and exits with its
    status, so the harness sees the server's end; it never returns."""
    uid, gid = os.geteuid(), os.getegid()
    _check(_libc.unshare(SERVER_NAMESPACES), "unshare (fork server)")
    _write_id_maps(0, uid, gid)
    alive_read, alive_write = os.pipe()
    pid = os.fork()
    if pid != 0:
        os.close(alive_read)
        for fd in control_fds:
            os.close(fd)
        _exit_with(pid)
    os.close(alive_write)
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    # The parent is outside this PID namespace (getppid() is 0 here): whether it died before the
    # line above shows on the pipe, whose other end closes with it.
    if select.select([alive_read], [], [], 0)[0]:
        os._exit(1)
    os.close(alive_read)
    return os.open("/proc/self/ns/pid", os.O_RDONLY | os.O_CLOEXEC)


def _exit_with(pid):
    while True:
        try:
            _, status = os.waitpid(pid, 0)
            break
        except InterruptedError:
            continue
    if os.WIFSIGNALED(status):
        os._exit(128 + os.WTERMSIG(status))
    os._exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 70)


def fork_isolated(server_pid_ns):
    """os.fork() into a new PID namespace: the child is its PID 1 and sees only itself and what
    it forks. Returns 0 in the child and its pid in the server, whose next children go to its own
    PID namespace again (the kernel refuses the next unshare otherwise)."""
    _check(_libc.unshare(CLONE_NEWPID), "unshare (episode PID namespace)")
    try:
        pid = os.fork()
    except OSError:
        _restore_pid_namespace(server_pid_ns)
        raise
    if pid != 0:
        try:
            _restore_pid_namespace(server_pid_ns)
        except ServerBroken:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise
    return pid


def _restore_pid_namespace(server_pid_ns):
    if _libc.setns(server_pid_ns, CLONE_NEWPID) != 0:
        raise ServerBroken("setns (fork server PID namespace) failed: " + os.strerror(ctypes.get_errno()))


def isolate_episode(keep_fd, hidden_dirs, tmp_size_mb):
    """Runs in a child of fork_isolated, which is PID 1 of its PID namespace. Returns in the same
    process, in new user, mount, IPC and network namespaces too, without capabilities."""
    # The server is PID 1 of an enclosing PID namespace: if it dies, the kernel kills this process
    # with every other one in that namespace, whether or not this signal was set in time.
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    _close_other_fds(keep_fd)
    uid, gid = os.geteuid(), os.getegid()
    _check(_libc.unshare(EPISODE_NAMESPACES), "unshare")
    _write_id_maps(EPISODE_UID, uid, gid)
    # Mounts made here stay in this episode's mount namespace.
    _mount(None, "/", None, MS_REC | MS_PRIVATE, None)
    _mount(b"tmpfs", "/tmp", b"tmpfs", MS_NOSUID | MS_NODEV, "size=%dm,mode=1777" % tmp_size_mb)
    # The zygote's /proc shows the zygote and every sibling; the kernel refuses a new proc mount
    # under the sandbox's partly covered one, so the episode gets an empty one.
    _mount(b"tmpfs", "/proc", b"tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k,mode=555")
    for directory in hidden_dirs:
        _mount(b"tmpfs", directory, b"tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k,mode=555")
    os.chdir("/tmp")
    _prctl(PR_SET_NO_NEW_PRIVS, 1)
    _drop_capabilities()
    _prctl(PR_SET_DUMPABLE, 0)
    # The zygote's stderr is shared by every episode; an episode's own goes nowhere.
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    os.close(null)


def _namespace_pids():
    # This process's pid in each PID namespace the sandbox's /proc can name, outermost first: the
    # harness finds the server's host pid by it.
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("NSpid:"):
                return [int(field) for field in line.split()[1:]]
    return [os.getpid()]


class Zygote:
    def __init__(self, control_in, control_out, harness_socket, hidden_dirs, run_episode, encode, decode):
        self.control_in = control_in
        self.control_out = control_out
        self.harness_socket = harness_socket
        self.hidden_dirs = hidden_dirs
        self.run_episode = run_episode
        self.encode = encode
        self.decode = decode
        self.children = {}  # id -> (pid, pidfd)
        self.pid_ns = None  # the server's own PID namespace (enter_server_namespaces)
        self.selector = selectors.DefaultSelector()

    def send(self, message):
        data = (self.encode(message) + "\n").encode("ascii")
        view = memoryview(data)
        while view:
            view = view[os.write(self.control_out, view):]

    def probe(self):
        # The server's namespaces, then one throw-away child through the whole isolation set-up:
        # the harness falls back to a process per episode where this kernel or sandbox does not
        # allow it. A child killed from outside says nothing about that, so it is tried again.
        if not hasattr(os, "pidfd_open") or not hasattr(signal, "pidfd_send_signal"):
            return False, "this Python has no pidfd support (3.9 or newer on Linux 5.3 or newer)"
        try:
            self.pid_ns = enter_server_namespaces((self.control_in, self.control_out))
        except (SetupError, OSError) as exc:
            return False, str(exc)
        for _ in range(5):
            isolated, detail = self.probe_once()
            if isolated or detail:
                return isolated, detail
        return False, "the isolation probe was killed five times"

    def probe_once(self):
        read_end, write_end = os.pipe()
        try:
            pid = fork_isolated(self.pid_ns)
        except (SetupError, OSError) as exc:
            os.close(read_end)
            os.close(write_end)
            return False, str(exc) or "fork failed"
        if pid == 0:
            try:
                os.close(read_end)
                isolate_episode(write_end, self.hidden_dirs, 1)
                os.write(write_end, b"ok")
                os._exit(0)
            except BaseException as exc:  # noqa: BLE001 - reported to the parent
                try:
                    os.write(write_end, str(exc).encode()[:300])
                finally:
                    os._exit(1)
        os.close(write_end)
        answer = b""
        while True:
            chunk = os.read(read_end, 512)
            if not chunk:
                break
            answer += chunk
        os.close(read_end)
        os.waitpid(pid, 0)
        return answer == b"ok", answer.decode("utf-8", "replace")

    def fork(self, request):
        ident = str(request.get("id"))
        memory_mb = int(request.get("memoryMb") or 1024)
        sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
        try:
            sock.connect(self.harness_socket)
            sock.sendall((ident + "\n").encode("ascii"))
        except OSError as exc:
            sock.close()
            self.send({"op": "fork_failed", "id": ident, "message": "cannot reach the harness: " + str(exc)})
            return
        fd = sock.detach()
        try:
            pid = fork_isolated(self.pid_ns)
        except (SetupError, OSError) as exc:
            os.close(fd)
            self.send({"op": "fork_failed", "id": ident, "message": str(exc)})
            if isinstance(exc, ServerBroken):
                self.exit(1)
            return
        if pid == 0:
            try:
                self.selector.close()
                isolate_episode(fd, self.hidden_dirs, memory_mb)
                self.run_episode(fd, memory_mb)
            finally:
                os._exit(70)
        os.close(fd)
        pidfd = os.pidfd_open(pid)
        self.children[ident] = (pid, pidfd)
        self.selector.register(pidfd, selectors.EVENT_READ, ("child", ident))
        self.send({"op": "forked", "id": ident, "pid": pid})

    def reap(self, ident):
        pid, pidfd = self.children.pop(ident)
        self.selector.unregister(pidfd)
        os.close(pidfd)
        _, status = os.waitpid(pid, 0)
        code, name = None, None
        if os.WIFSIGNALED(status):
            name = signal.Signals(os.WTERMSIG(status)).name
        else:
            code = os.WEXITSTATUS(status)
        self.send({"op": "exit", "id": ident, "code": code, "signal": name})

    def kill(self, ident):
        child = self.children.get(ident)
        if child:
            try:
                signal.pidfd_send_signal(child[1], signal.SIGKILL)
            except OSError:
                pass

    def exit(self, code=0):
        # The server is PID 1 of the namespace its episodes' namespaces are nested in: its exit
        # takes every episode down too; the kills say so here.
        for pid, _ in list(self.children.values()):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        os._exit(code)

    def serve(self, python_version):
        isolated, detail = self.probe()
        pids = _namespace_pids() if isolated else [os.getpid()]
        self.send(
            {"op": "ready", "python": python_version, "pid": pids[-1], "nspid": pids, "isolated": isolated, "detail": detail}
        )
        if not isolated:
            return
        self.selector.register(self.control_in, selectors.EVENT_READ, ("control", None))
        buffer = b""
        while True:
            for key, _ in self.selector.select():
                kind, ident = key.data
                if kind == "child":
                    self.reap(ident)
                    continue
                chunk = os.read(self.control_in, 65536)
                if not chunk:
                    self.exit()
                buffer += chunk
                while b"\n" in buffer:
                    line, buffer = buffer.split(b"\n", 1)
                    if not line.strip():
                        continue
                    request = self.decode(line.decode("utf-8"))
                    if request.get("op") == "fork":
                        self.fork(request)
                    elif request.get("op") == "kill":
                        self.kill(str(request.get("id")))
