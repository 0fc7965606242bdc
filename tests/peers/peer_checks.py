"""What every peer check script shares: counted checks, and a failure that names the script and
the first mismatch, then exits 1."""

import sys


class Checks:
    def __init__(self, name):
        self.name = name
        self.count = 0

    def fail(self, message):
        print(f"{self.name}: FAILED: {message}", file=sys.stderr)
        sys.exit(1)

    def check(self, condition, message):
        self.count += 1
        if not condition:
            self.fail(message)

    def ok(self, detail):
        print(f"{self.name}: OK ({self.count} checks, {detail})")
