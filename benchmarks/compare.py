#!/usr/bin/env python3
"""Meridian against its peer (benchmarks/peer.py: Python + libyaml's C emitter), and the
speed figures of issue 11. Run through benchmarks/compare.sh, which builds the binary first.

Usage: compare.py MERIDIAN_BINARY [--pairs N] [--quick] [--baseline OTHER_BINARY]
  --pairs N    peer/Meridian pairs at 1,000 services x 8 regions (default 5, the minimum)
  --quick      fewer repetitions everywhere (a smoke test of the script, not a measurement)
  --baseline   also run OTHER_BINARY (e.g. a build of main) alternately with this one at
               1,000 x 8 and 1,000 x 16, for before/after figures under the same machine load

Environment: OUTPUT_ROOT chooses where outputs are written (default: $TMPDIR or /tmp, a disk;
/dev/shm takes the disk out of the figures).

Prints, in order: the peer/Meridian pairs and their median ratio, Meridian's phase timings
(MERIDIAN_TIMINGS=1), the scaling table, and lint / explain / diff. Every wall time includes
process start. Peak RSS is /usr/bin/time's "Maximum resident set size".
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TARGETS = {
    "compile": "<= 0.6 s wall, < 150 MiB, >= 10x the peer",
    "scaling": "1,000x16 <= 2x and 2,000x8 <= 2.2x the 1,000x8 time",
    "lint": "<= 15 ms (median of 50)",
    "explain": "<= 0.3 s",
    "diff": "<= 1.5 s",
    "one-service": "<= 0.15 s (issue 23)",
}


class Run:
    """One process, timed: wall clock from Python, CPU and peak memory from /usr/bin/time -v."""

    def __init__(self, command, env=None, stderr=False):
        with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
            start = time.perf_counter()
            result = subprocess.run(["/usr/bin/time", "-v", "-o", report.name] + command, env=env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            self.wall = time.perf_counter() - start
            text = report.read()
        if result.returncode != 0:
            sys.exit(f"compare.py: {' '.join(command)} failed ({result.returncode}):\n{result.stderr}")
        self.stderr = result.stderr
        field = lambda name: float(re.search(re.escape(name) + r":\s*([0-9.]+)", text).group(1))
        self.cpu = field("User time (seconds)") + field("System time (seconds)")
        self.peak_mib = field("Maximum resident set size (kbytes)") / 1024


def make_blueprint(work, services, regions):
    path = os.path.join(work, f"bench-{services}x{regions}.yaml")
    if not os.path.exists(path):
        with open(path, "w") as f:
            subprocess.run([sys.executable, os.path.join(HERE, "make-blueprint.py"), str(services), str(regions)],
                           stdout=f, check=True)
    return path


class Outputs:
    """A fresh directory per run: ext4 creates files slowly right after thousands were deleted
    in the same place, which would measure the file system, not the writer."""

    def __init__(self, root):
        self.root, self.count = root, 0

    def fresh(self):
        self.count += 1
        return os.path.join(self.root, f"out-{self.count}")

    def drop(self, path):
        shutil.rmtree(path, ignore_errors=True)


def compile_run(binary, blueprint, outputs, env=None):
    out = outputs.fresh()
    run = Run([binary, "compile", blueprint, "-o", out], env=env)
    run.output_mib = sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(out) for f in files) / 2**20
    outputs.drop(out)
    return run


def one_service(work, blueprint, binaries, edits):
    """The edit-compile loop: a cold compile with the cache on, then `edits` compiles that each
    change one service's image (the first right after the cold compile), binaries alternately."""
    print(f"\n== one-service compile at 1,000 x 8: an image changed before each of {edits} compiles, cache on, "
          f"after a cold compile (target {TARGETS['one-service']})")
    with open(blueprint) as f:
        text = f.read()
    setups = []
    for index, binary in enumerate(binaries):
        edited = os.path.join(work, f"one-service-{index}.yaml")
        out, cache = os.path.join(work, f"one-service-out-{index}"), os.path.join(work, f"one-service-cache-{index}")
        with open(edited, "w") as f:
            f.write(text)
        env = dict(os.environ, MERIDIAN_CACHE_DIR=cache)
        subprocess.run([binary, "compile", edited, "-o", out], check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        setups.append((binary, edited, out, env, []))
    for edit in range(1, edits + 1):
        for binary, edited, out, env, runs in setups:
            with open(edited, "w") as f:
                f.write(text.replace("image: registry.example/svc-0500:1.500.0", f"image: registry.example/svc-0500:1.500.{edit}"))
            runs.append(Run([binary, "compile", edited, "-o", out], env=env))
    for binary, _, _, _, runs in setups:
        print(f"{binary}: median {statistics.median(r.wall for r in runs):.3f} s wall, {statistics.median(r.cpu for r in runs):.3f} s cpu "
              f"(first edit {runs[0].wall:.3f} s), peak {max(r.peak_mib for r in runs):.1f} MiB")


def wall_median(command, count):
    times = []
    for _ in range(count):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("binary")
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--baseline")
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    repeats = 1 if args.quick else 3
    lint_runs = 10 if args.quick else 50
    pairs = 1 if args.quick else max(args.pairs, 5)

    root = os.environ.get("OUTPUT_ROOT") or os.environ.get("TMPDIR") or "/tmp"
    work = tempfile.mkdtemp(prefix="meridian-compare.", dir=root)
    outputs = Outputs(work)
    try:
        print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start; outputs under {root}")
        blueprint = make_blueprint(work, 1000, 8)

        # The peer gets Meridian's computed figures for free (untimed), then builds and writes.
        reference = os.path.join(work, "reference")
        subprocess.run([binary, "compile", blueprint, "-o", reference], check=True, stdout=subprocess.DEVNULL)
        facts = os.path.join(work, "facts.json")
        with open(facts, "w") as f:
            subprocess.run([sys.executable, os.path.join(HERE, "peer.py"), "facts", os.path.join(reference, "bench")],
                           stdout=f, check=True)
        peer_out = outputs.fresh()
        subprocess.run([sys.executable, os.path.join(HERE, "peer.py"), "run", facts, peer_out], check=True)
        subprocess.run([sys.executable, os.path.join(HERE, "peer.py"), "check", os.path.join(reference, "bench"),
                        os.path.join(peer_out, "bench")], check=True)
        outputs.drop(peer_out)
        outputs.drop(reference)

        print(f"\n== compile 1,000 services x 8 regions: peer (python + yaml.CDumper) and meridian, alternately ({pairs} pair{'s' if pairs > 1 else ''})")
        print(f"target: {TARGETS['compile']}")
        print(f"{'pair':>4}  {'peer s':>7}  {'meridian s':>10}  {'ratio':>6}  {'peer cpu s':>10}  {'meridian cpu s':>14}  "
              f"{'cpu ratio':>9}  {'peer MiB':>8}  {'meridian MiB':>12}")
        ratios, cpu_ratios, ours, theirs = [], [], [], []
        for pair in range(1, pairs + 1):
            out = outputs.fresh()
            peer = Run([sys.executable, os.path.join(HERE, "peer.py"), "run", facts, out])
            outputs.drop(out)
            meridian = compile_run(binary, blueprint, outputs)
            ratios.append(peer.wall / meridian.wall)
            cpu_ratios.append(peer.cpu / meridian.cpu)
            ours.append(meridian)
            theirs.append(peer)
            print(f"{pair:>4}  {peer.wall:7.2f}  {meridian.wall:10.3f}  {ratios[-1]:5.1f}x  {peer.cpu:10.2f}  "
                  f"{meridian.cpu:14.3f}  {cpu_ratios[-1]:8.1f}x  {peer.peak_mib:8.0f}  {meridian.peak_mib:12.1f}")
        print(f"median: peer {statistics.median(r.wall for r in theirs):.2f} s, meridian "
              f"{statistics.median(r.wall for r in ours):.3f} s wall, ratio {statistics.median(ratios):.1f}x "
              f"(CPU time: {statistics.median(cpu_ratios):.1f}x); meridian peak {max(r.peak_mib for r in ours):.1f} MiB")

        if args.baseline:
            baseline = os.path.abspath(args.baseline)
            for services, regions in [(1000, 8), (1000, 16)]:
                path = make_blueprint(work, services, regions)
                print(f"\n== before/after at {services:,} x {regions}: {baseline} then {binary}, alternately ({pairs} pairs)")
                before, after = [], []
                for _ in range(pairs):
                    before.append(compile_run(baseline, path, outputs))
                    after.append(compile_run(binary, path, outputs))
                for label, runs in [("before", before), ("after", after)]:
                    print(f"{label:>6}: median {statistics.median(r.wall for r in runs):.3f} s wall, "
                          f"{statistics.median(r.cpu for r in runs):.3f} s cpu, peak {max(r.peak_mib for r in runs):.1f} MiB")

        print("\n== where the time goes (MERIDIAN_TIMINGS=1, one run at 1,000 x 8)")
        timed = compile_run(binary, blueprint, outputs, env=dict(os.environ, MERIDIAN_TIMINGS="1"))
        print("".join(line + "\n" for line in timed.stderr.splitlines() if line.startswith("meridian timing:")), end="")

        print(f"\n== scaling (median of {repeats} by wall; x and cpu x: over 1,000 x 8; output grows faster than"
              " services x regions because each service uses one datastore per residency zone)")
        print(f"target: {TARGETS['scaling']}")
        print(f"{'services x regions':>18}  {'wall s':>7}  {'cpu s':>6}  {'peak MiB':>8}  {'output MiB':>10}  {'x':>5}  {'cpu x':>5}")
        shapes = [(100, 8), (250, 8), (500, 8), (1000, 8), (2000, 8), (1000, 4), (1000, 16)]
        measured = {}
        for services, regions in shapes:
            path = make_blueprint(work, services, regions)
            runs = sorted((compile_run(binary, path, outputs) for _ in range(repeats)), key=lambda r: r.wall)
            measured[(services, regions)] = runs[len(runs) // 2]
        base = measured[(1000, 8)]
        for (services, regions), run in measured.items():
            print(f"{f'{services:,} x {regions}':>18}  {run.wall:7.3f}  {run.cpu:6.2f}  {run.peak_mib:8.1f}  "
                  f"{run.output_mib:10.1f}  {run.wall / base.wall:4.2f}x  {run.cpu / base.cpu:4.2f}x")

        print("\n== lint, explain, diff (wall, process start included)")
        lint_file = make_blueprint(work, 20, 6)
        median, worst = wall_median([binary, "lint", lint_file], lint_runs)
        print(f"lint 6 regions x 20 services: median {median * 1000:.1f} ms, max {worst * 1000:.1f} ms over {lint_runs} runs "
              f"(target {TARGETS['lint']})")
        runs = 1 if args.quick else 5
        median, worst = wall_median([binary, "explain", blueprint], runs)
        print(f"explain 1,000 x 8: median {median:.3f} s, max {worst:.3f} s over {runs} runs (target {TARGETS['explain']})")
        changed = os.path.join(work, "bench-1000x8-changed.yaml")
        with open(blueprint) as f:
            text = f.read()
        with open(changed, "w") as f:
            f.write(text.replace("image: registry.example/svc-0500:1.500.0", "image: registry.example/svc-0500:1.500.1"))
        median, worst = wall_median([binary, "diff", blueprint, changed], runs)
        print(f"diff 1,000 x 8, one service changed: median {median:.3f} s, max {worst:.3f} s over {runs} runs "
              f"(target {TARGETS['diff']})")
        one_service(work, blueprint, [binary] + ([os.path.abspath(args.baseline)] if args.baseline else []), 3 if args.quick else 8)
        print(f"\nload average {os.getloadavg()[0]:.2f} at the end")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
