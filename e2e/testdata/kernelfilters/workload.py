# Part of the differential test's workload: a ptrace attach, an exec from
# a memfd, TCP connects and sends on loopback, UDP datagrams, and an
# outbound connect that fails.
import ctypes
import os
import signal
import socket
import time

libc = ctypes.CDLL(None, use_errno=True)
PTRACE_ATTACH, PTRACE_DETACH = 16, 17

child = os.fork()
if child == 0:
    time.sleep(30)
    os._exit(0)
libc.ptrace(PTRACE_ATTACH, child, None, None)
os.waitpid(child, 0)
libc.ptrace(PTRACE_DETACH, child, None, None)
os.kill(child, signal.SIGKILL)
os.waitpid(child, 0)

child = os.fork()
if child == 0:
    fd = os.memfd_create("vigil-diff", 0)
    with open("/bin/true", "rb") as f:
        os.write(fd, f.read())
    os.execv("/proc/self/fd/%d" % fd, ["vigil-fileless"])
os.waitpid(child, 0)

srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(64)
for _ in range(50):
    c = socket.create_connection(srv.getsockname())
    peer, _ = srv.accept()
    for _ in range(20):
        c.send(b"x")
    c.close()
    peer.close()

u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(100):
    u.sendto(b"x", ("127.0.0.1", 9))
for addr in (("192.0.2.1", 53), ("8.8.8.8", 53)):
    try:
        u.sendto(b"x", addr)
    except OSError:
        pass
    try:
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex(addr)
        s.close()
    except OSError:
        pass
