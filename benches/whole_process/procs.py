"""Running one process and measuring it: wall time (monotonic clock around spawn and exit), peak
resident memory, the exit code; and a foreground `cmek sandbox` with its exports, its request
statistics and its own peak memory.

Peak memory comes from GNU time (`/usr/bin/time -f %M`) when it is there: a child of this Python
process would inherit Python's own high-water mark through fork, so its ru_maxrss says nothing
about a 6 MB program. Without GNU time, /proc/PID/status's VmHWM is sampled every few milliseconds
(a lower bound: the last sample before exit). The sandbox's is read from VmHWM before it stops."""

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

SANDBOX_READY = "# ready"
# Only the loopback sandbox is ever contacted, never through a proxy from the environment.
_HTTP = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class Run:
    """One measured process."""

    def __init__(self, wall_ms, peak_rss_kb, exit_code, stdout, stderr):
        self.wall_ms = wall_ms
        self.peak_rss_kb = peak_rss_kb
        self.exit_code = exit_code
        self.stdout = stdout
        self.stderr = stderr


def base_env(home):
    """A clean environment: PATH, a private HOME and state directory, no colour, no proxies."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": home,
        "XDG_STATE_HOME": os.path.join(home, "state"),
        "XDG_CONFIG_HOME": os.path.join(home, "config"),
        "NO_COLOR": "1",
        "LANG": "C.UTF-8",
    }


GNU_TIME = "/usr/bin/time"
PEAK_METHOD = "gnu-time" if os.access(GNU_TIME, os.X_OK) else "vmhwm-sampled"


def run(argv, env, timeout=600):
    """Runs argv to completion and measures it (stdout and stderr kept for error messages)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile(mode="r") as peak_file:
        if PEAK_METHOD == "gnu-time":
            argv = [GNU_TIME, "-f", "%M", "-o", peak_file.name, *argv]
        start = time.perf_counter()
        child = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        sampler = None if PEAK_METHOD == "gnu-time" else _Sampler(child.pid)
        status, _ = _wait(child, timeout)
        wall_ms = (time.perf_counter() - start) * 1000
        if sampler:
            peak = sampler.stop()
        else:
            text = peak_file.read().strip().splitlines()
            peak = int(text[-1]) if text and text[-1].isdigit() else None
        out.seek(0)
        err.seek(0)
        return Run(wall_ms, peak, _exit_code(status), out.read().decode(errors="replace"),
                   err.read().decode(errors="replace"))


def vmhwm_kb(pid):
    """The process's peak resident set so far (kB), or None once it is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


class _Sampler:
    """VmHWM every 2 ms while the process lives, once it runs its own program (before its exec it
    is a copy of this Python, whose high-water mark it carries)."""

    PYTHON = os.path.realpath(sys.executable)

    def __init__(self, pid):
        self.pid = pid
        self.peak = None
        self.running = True
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _loop(self):
        while self.running:
            try:
                execed = os.readlink(f"/proc/{self.pid}/exe") != self.PYTHON
            except OSError:
                execed = False
            value = vmhwm_kb(self.pid) if execed else None
            if value is not None:
                self.peak = value
            time.sleep(0.002)

    def stop(self):
        self.running = False
        self.thread.join()
        return self.peak


def _wait(child, timeout):
    """wait4 on this child only, so ru_maxrss is its own peak; killed past the timeout."""
    deadline = time.monotonic() + timeout
    while True:
        pid, status, rusage = os.wait4(child.pid, os.WNOHANG)
        if pid == child.pid:
            child.returncode = _exit_code(status)
            return status, rusage
        if time.monotonic() > deadline:
            child.kill()
            _, status, rusage = os.wait4(child.pid, 0)
            child.returncode = _exit_code(status)
            raise TimeoutError(f"{child.args[0]} did not finish in {timeout} s")
        time.sleep(0.002)


def _exit_code(status):
    return os.waitstatus_to_exitcode(status)


class Sandbox:
    """`cmek sandbox ARGS` in the foreground, as another terminal would run it."""

    def __init__(self, binary, args, home):
        self.home = home
        self.argv = [binary, "sandbox", *args]
        env = base_env(home)
        self.child = subprocess.Popen(self.argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                      stderr=subprocess.DEVNULL, text=True)
        self.exports = {}
        self.notes = {}
        for line in self.child.stdout:
            line = line.rstrip("\n")
            if line == SANDBOX_READY:
                break
            if line.startswith("export "):
                name, _, value = line[len("export "):].partition("=")
                self.exports[name] = value
            elif line.startswith("# ") and ": " in line:
                name, _, value = line[2:].partition(": ")
                self.notes[name] = value
        else:
            self.child.wait()
            raise RuntimeError(f"{' '.join(self.argv)} exited ({self.child.returncode}) before printing # ready")
        # Drain anything printed later, so a full pipe never blocks it.
        threading.Thread(target=self.child.stdout.read, daemon=True).start()
        self.peak_rss_kb = None
        self.latency_ms = 0

    def env(self):
        """What a shell that ran `eval "$(cmek sandbox)"` has."""
        return {**base_env(self.home), **self.exports}

    @property
    def stats_url(self):
        return self.exports["ANTHROPIC_BASE_URL"] + "/_sandbox/stats"

    def reset_stats(self):
        """Zeroes the request counts; False when this sandbox has none (an older binary)."""
        try:
            _HTTP.open(urllib.request.Request(self.stats_url, method="DELETE"), timeout=10).close()
            return True
        except OSError:
            return False

    def stats(self):
        """The client's calls and rounds since the reset, and its slowest single call."""
        try:
            with _HTTP.open(self.stats_url, timeout=10) as answer:
                stats = json.load(answer)
        except OSError:
            return {}
        client = [c for c in stats.get("log", []) if not c.get("internal")]
        slowest = max(client, key=lambda c: c["finished_ms"] - c["started_ms"], default=None)
        return {
            "calls": stats.get("calls"),
            "rounds": stats.get("rounds"),
            "calls_by_service": {s: v.get("calls") for s, v in stats.get("services", {}).items()},
            "slowest_call_ms": None if slowest is None else round(slowest["finished_ms"] - slowest["started_ms"], 1),
            "slowest_call": None if slowest is None else f'{slowest["service"]} {slowest["operation"]}',
        }

    def get_json(self, path):
        """An Admin API read, as the reader of the guide copies values from the console."""
        request = urllib.request.Request(self.exports["ANTHROPIC_BASE_URL"] + path, headers={
            "x-api-key": self.exports["ANTHROPIC_ADMIN_KEY"], "anthropic-version": "2023-06-01"})
        with _HTTP.open(request, timeout=30) as answer:
            return json.load(answer)

    def stop(self):
        """Ctrl-C, as a user stops it; its peak memory is read just before."""
        if self.child.poll() is None:
            self.peak_rss_kb = vmhwm_kb(self.child.pid)
            self.child.send_signal(signal.SIGINT)
        try:
            _wait(self.child, 30)
        except (TimeoutError, ChildProcessError):
            pass
        return self.peak_rss_kb

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
