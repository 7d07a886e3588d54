"""Running wrk (Debian's package) on its own core, and reading what it prints."""

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass
class Load:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int


def require_wrk() -> str:
    """wrk's path; installs it with apt-get when that is possible, else says how."""
    found = shutil.which("wrk")
    if found:
        return found
    if shutil.which("apt-get"):
        print("wrk is missing: installing Debian's package (apt-get install wrk)...")
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False)
        found = shutil.which("wrk")
        if found:
            return found
    sys.exit("wrk is needed: install it (Debian/Ubuntu: sudo apt-get install wrk) and run again.")


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(f"unreadable wrk time {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse(output: str) -> Load:
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.M)
    if not (rate and p50 and p99):
        raise ValueError(f"unreadable wrk output:\n{output}")
    errors = 0
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if non_2xx:
        errors += int(non_2xx.group(1))
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if sockets:
        errors += sum(int(n) for n in sockets.groups())
    return Load(float(rate.group(1)), _ms(p50.group(1)), _ms(p99.group(1)), errors)


def run(
    wrk: str,
    url: str,
    *,
    core: int,
    seconds: int,
    connections: int,
    headers: dict[str, str] | None = None,
    script: Path | None = None,
) -> Load:
    command = ["taskset", "-c", str(core), wrk, "-t1", f"-c{connections}", f"-d{seconds}s"]
    command += ["--latency", "--timeout", "5s"]
    if script is not None:  # it chooses each request's path (the URL gives the server)
        command += ["-s", str(script)]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    done = subprocess.run([*command, url], capture_output=True, text=True, check=True)
    return parse(done.stdout)
