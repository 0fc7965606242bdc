"""The whole-process cases: each returns measured runs under a case id. Every cloud case starts a
fresh foreground `cmek sandbox` (with its latency), so `cmek` and the documented script cross the
same process boundary and meet the same emulators; the sandbox's request counts give calls and
rounds, and its log the slowest single call."""

import os
import tempfile

import first_frame
import procs

ACCOUNT = "111122223333"  # the sandbox's customer account (README, "The sandbox")
ANTHROPIC_ROLE = "arn:aws:iam::915198916910:role/anthropic-cmek-client-us"
# The organisation and compartment the committed policies are bound to (benches/policies/).
POLICY_ORG = "8c2d1e4f-0a9b-4c3d-8e7f-123456789abc"
POLICY_COMPARTMENT = "5f3a9c2e-7b1d-4e8f-9a6c-0d2e4f6a8b1c"
POLICIES = [("1", "statements-1.json"), ("10", "statements-10.json"), ("100", "statements-100.json"),
            ("32k", "limit-32k.json")]


def setup_args(provider):
    return ["setup", "--non-interactive", "--provider", provider, "--workspace", "production",
            "--confirm-attach", "production"]


class Cases:
    def __init__(self, binary, aws_cli, repo, record):
        self.binary = binary
        self.aws_cli = aws_cli
        self.repo = repo
        # record(case_id, title, run, ok_codes, extra): stores one measured run.
        self.record = record

    def _sandbox(self, home, latency_ms, *more):
        args = ["--azure-rbac-delay", "0", *more]
        if latency_ms:
            args += ["--latency", str(latency_ms)]
        sandbox = procs.Sandbox(self.binary, args, home)
        sandbox.latency_ms = latency_ms
        return sandbox

    def _measure(self, sandbox, argv, env=None):
        """One process against the sandbox, with what the sandbox saw of it."""
        counted = sandbox.reset_stats()
        run = procs.run(argv, env or sandbox.env())
        return run, {"latency_ms": sandbox.latency_ms, **(sandbox.stats() if counted else {})}

    def aws(self, latency_ms, with_documented=True):
        """The documented script on one fresh sandbox; cmek setup, its re-run and doctor on another."""
        tag = f"{latency_ms}ms"
        if with_documented and self.aws_cli:
            with tempfile.TemporaryDirectory(prefix="cmek-bench-") as home, self._sandbox(home, latency_ms) as sb:
                env = {**sb.env(), **self._console_values(sb), "AWS": self.aws_cli}
                script = os.path.join(self.repo, "benches", "aws-documented.sh")
                run, seen = self._measure(sb, ["bash", script], env)
                self.record(f"aws-documented-{tag}", f"AWS: documented script ({latency_ms} ms/call)", run, {0}, seen)
        with tempfile.TemporaryDirectory(prefix="cmek-bench-") as home:
            sb = self._sandbox(home, latency_ms)
            try:
                cmek = [self.binary, *setup_args("aws")]
                run, seen = self._measure(sb, cmek)
                self.record(f"aws-setup-{tag}", f"AWS: cmek setup ({latency_ms} ms/call)", run, {0}, seen)
                run, seen = self._measure(sb, cmek)
                self.record(f"aws-rerun-{tag}", f"AWS: cmek setup re-run ({latency_ms} ms/call)", run, {0}, seen)
                run, seen = self._measure(sb, [self.binary, "doctor", "--workspace", "production"])
                self.record(f"doctor-{tag}", f"doctor --workspace ({latency_ms} ms/call)", run, {0}, seen)
            finally:
                peak = sb.stop()
            self.record(f"sandbox-peak-{tag}", f"sandbox process after setup, re-run, doctor ({latency_ms} ms/call)",
                        procs.Run(None, peak, 0, "", ""), {0}, {})

    def _console_values(self, sandbox):
        """What the guide's reader copies from the console, read before the clock starts."""
        org = sandbox.get_json("/v1/organizations/me")["id"]
        workspaces = sandbox.get_json("/v1/organizations/workspaces?limit=1000")["data"]
        production = next(w for w in workspaces if w["name"] == "production")
        return {"ORG_UUID": org, "WORKSPACE_ID": production["id"], "COMPARTMENT_ID": production["compartment_id"],
                "ACCOUNT_ID": ACCOUNT}

    def cloud_setup(self, provider, latency_ms):
        """A first run on a fresh sandbox, then the converged re-run."""
        tag = f"{latency_ms}ms"
        with tempfile.TemporaryDirectory(prefix="cmek-bench-") as home, self._sandbox(home, latency_ms) as sb:
            label = {"azure": "Azure", "gcp": "Google Cloud"}[provider]
            run, seen = self._measure(sb, [self.binary, *setup_args(provider)])
            self.record(f"{provider}-setup-{tag}", f"{label}: cmek setup ({latency_ms} ms/call)", run, {0}, seen)
            run, seen = self._measure(sb, [self.binary, *setup_args(provider)])
            self.record(f"{provider}-rerun-{tag}", f"{label}: cmek setup re-run ({latency_ms} ms/call)", run, {0}, seen)

    def in_process_setup(self):
        """`cmek --sandbox setup`: the job and the emulators in one process (its peak is both)."""
        with tempfile.TemporaryDirectory(prefix="cmek-bench-") as home:
            run = procs.run([self.binary, "--sandbox", *setup_args("aws")], procs.base_env(home))
            self.record("aws-setup-in-process", "AWS: cmek --sandbox setup (in-process sandbox)", run, {0}, {})

    def status_at_scale(self, latency_ms=50):
        """Issue 16's bound: 1,000 workspaces, 200 keys, 50 ms per call, --validate off: under 3 s."""
        with tempfile.TemporaryDirectory(prefix="cmek-bench-") as home, \
                self._sandbox(home, latency_ms, "--scenario", "status-at-scale") as sb:
            run, seen = self._measure(sb, [self.binary, "status"])
            # exit 1: the scenario has keys in use whose validation failed (what status reports).
            self.record(f"status-at-scale-{latency_ms}ms",
                        f"status: 1,000 workspaces, 200 keys ({latency_ms} ms/call)", run, {0, 1}, seen)

    def policy(self):
        folder = os.path.join(self.repo, "benches", "policies")
        with tempfile.TemporaryDirectory(prefix="cmek-bench-") as home:
            env = procs.base_env(home)
            for size, name in POLICIES:
                path = os.path.join(folder, name)
                words = "statement" if size == "1" else "statements"
                what = "at the 32 KB limit" if size == "32k" else f"{size} {words}"
                check = [self.binary, "policy", "check", path, "--org-uuid", POLICY_ORG,
                         "--compartment", POLICY_COMPARTMENT]
                # exit 1 is a finding (the 1-statement policy grants Anthropic nothing), not an error.
                self.record(f"policy-check-{size}", f"policy check, {what}", procs.run(check, env), {0, 1}, {})
                simulate = [self.binary, "policy", "simulate", "--policy", path, "--principal", ANTHROPIC_ROLE,
                            "--action", "kms:Encrypt", "--context", f"kms:EncryptionContext:anthropic:org_uuid={POLICY_ORG}",
                            "--context", f"kms:EncryptionContext:anthropic:compartment_uuid={POLICY_COMPARTMENT}"]
                self.record(f"policy-simulate-{size}", f"policy simulate, {what}", procs.run(simulate, env), {0, 1}, {})

    def version(self):
        with tempfile.TemporaryDirectory(prefix="cmek-bench-") as home:
            self.record("version", "cmek --version", procs.run([self.binary, "--version"], procs.base_env(home)), {0}, {})

    def wizard_first_frame(self, latency_ms, in_process=False):
        with tempfile.TemporaryDirectory(prefix="cmek-bench-") as home:
            if in_process:
                ms = first_frame.first_frame_ms([self.binary, "--sandbox", "setup"], procs.base_env(home))
                self.record("wizard-first-frame-in-process", "wizard: first frame (cmek --sandbox setup)",
                            procs.Run(ms, None, 0, "", ""), {0}, {})
                return
            with self._sandbox(home, latency_ms) as sb:
                ms = first_frame.first_frame_ms([self.binary, "setup"], sb.env())
                self.record(f"wizard-first-frame-{latency_ms}ms", f"wizard: first frame ({latency_ms} ms/call)",
                            procs.Run(ms, None, 0, "", ""), {0}, {})
