"""Time to the wizard's first frame: `cmek setup` started in a pseudo-terminal (100x32, as the
tmux tests use), timed from spawn until the screen shows the first step's title; then the wizard
is sent Ctrl-C and, if it lingers, ended."""

import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import termios
import time

FIRST_FRAME = "Welcome"
# Escape sequences (cursor moves, colours) between the characters of a drawn screen.
_ESCAPES = re.compile(rb"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>78]")


def first_frame_ms(argv, env, timeout=60):
    """Milliseconds from spawn to the first frame; raises when it never comes."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 32, 100, 0, 0))
    env = {**env, "TERM": "xterm-256color", "COLUMNS": "100", "LINES": "32"}
    start = time.perf_counter()
    child = subprocess.Popen(argv, env=env, stdin=follower, stdout=follower, stderr=follower,
                             start_new_session=True, close_fds=True)
    os.close(follower)
    seen = b""
    try:
        while True:
            left = timeout - (time.perf_counter() - start)
            if left <= 0:
                raise TimeoutError(f"no first frame in {timeout} s; the screen had: {_text(seen)[-400:]!r}")
            ready, _, _ = select.select([leader], [], [], min(left, 0.5))
            if not ready:
                continue
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: the program exited
                chunk = b""
            if not chunk:
                raise RuntimeError(f"exited before its first frame: {_text(seen)[-400:]!r}")
            seen += chunk
            # Answer a cursor-position query, as a terminal does, so a backend that asks is not held.
            if b"\x1b[6n" in chunk:
                os.write(leader, b"\x1b[1;1R")
            if FIRST_FRAME in _text(seen):
                return (time.perf_counter() - start) * 1000
    finally:
        _close(child, leader)


def _text(raw):
    return _ESCAPES.sub(b"", raw).decode(errors="replace")


def _close(child, leader):
    """Ctrl-C to the wizard, then SIGTERM and SIGKILL to this child only if it does not leave."""
    try:
        os.write(leader, b"\x03")
    except OSError:
        pass
    for sig in (None, signal.SIGTERM, signal.SIGKILL):
        if sig is not None and child.poll() is None:
            child.send_signal(sig)
        deadline = time.monotonic() + 3
        while child.poll() is None and time.monotonic() < deadline:
            try:  # keep the terminal drained so the program can finish drawing
                if select.select([leader], [], [], 0.05)[0]:
                    os.read(leader, 65536)
            except OSError:
                time.sleep(0.05)
        if child.poll() is not None:
            break
    os.close(leader)
