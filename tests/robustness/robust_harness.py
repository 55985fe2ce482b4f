"""Drive a writer in a child process and kill it at a counted line (shared by tests and soak)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

CHILD = Path(__file__).with_name("child_writer.py")
ROOT = Path(__file__).resolve().parents[2]


class Child:
    """A writer in its own process; the parent reads its lines and decides when it dies."""

    def __init__(self, *args: str):
        self.proc = subprocess.Popen([sys.executable, str(CHILD), *map(str, args)], cwd=ROOT,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, bufsize=1)
        self.lines: list[str] = []

    def readline(self) -> str:
        line = self.proc.stdout.readline()
        if not line:
            err = self.proc.stderr.read()
            raise AssertionError(f"child ended early (exit {self.proc.wait()}): {err[-2000:]}")
        line = line.rstrip("\n")
        self.lines.append(line)
        return line

    def until(self, predicate) -> str:
        while True:
            line = self.readline()
            if predicate(line):
                return line

    def go(self) -> None:
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()

    def run_to_pause(self, n: int) -> str:
        """Let the child pass n-1 pauses and stop at the n-th (1-based); return that line."""
        seen = 0
        while True:
            line = self.readline()
            if line.startswith("pause"):
                seen += 1
                if seen == n:
                    return line
                self.go()

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        assert self.proc.returncode in (-signal.SIGKILL, 0), self.proc.stderr.read()[-2000:]
        for f in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                f.close()
            except (OSError, BrokenPipeError):
                pass

    def finish(self) -> None:
        try:
            self.proc.stdin.close()
        except BrokenPipeError:
            pass
        out = self.proc.stdout.read()
        self.lines += out.splitlines()
        rc = self.proc.wait()
        err = self.proc.stderr.read()
        self.proc.stdout.close()
        self.proc.stderr.close()
        assert rc == 0, err[-2000:]
