"""A proxmox-sim child process for the third-party client checks: started with quick tasks,
its JSON line parsed, stopped by closing stdin (its documented contract)."""
import json
import subprocess


class CheckFailed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise CheckFailed(message)


class SimProcess:
    def __init__(self, sim_path, extra_args=()):
        self.args = [sim_path, "--task-seconds", "0.05", "--unauthorized-delay-ms", "50", *extra_args]
        self.proc = None
        self.info = None

    def __enter__(self):
        self.proc = subprocess.Popen(self.args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.info = json.loads(self.proc.stdout.readline())
        return self

    def __exit__(self, *exc):
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        return False
