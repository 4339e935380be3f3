#!/usr/bin/env python3
"""Times a command the way its user waits for it: the first byte on standard
output (the first answer) and the end of the process, over RUNS runs.
Prints the medians with their ranges. A run that fails stops the timing.

    scripts/first_answer.py RUNS COMMAND [ARG...]
    scripts/first_answer.py --cold RUNS COMMAND [ARG...]

--cold drops the kernel's page, dentry and inode caches before each run
(`sync; echo 3 > /proc/sys/vm/drop_caches`, which needs root)."""
import statistics
import subprocess
import sys
import time


def drop_caches():
    subprocess.run(["sync"], check=True)
    with open("/proc/sys/vm/drop_caches", "w") as f:
        f.write("3\n")


def main(argv):
    cold = argv[:1] == ["--cold"]
    if cold:
        argv = argv[1:]
    if len(argv) < 2 or not argv[0].isdigit():
        sys.exit(__doc__)
    runs, cmd = int(argv[0]), argv[1:]
    first, total = [], []
    for _ in range(runs):
        if cold:
            drop_caches()
        start = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        p.stdout.read(1)
        answered = time.perf_counter()
        p.stdout.read()
        err = p.stderr.read()
        p.wait()
        ended = time.perf_counter()
        if p.returncode != 0:
            sys.exit(f"{' '.join(cmd)} exited {p.returncode}: {err.decode(errors='replace')}")
        first.append(answered - start)
        total.append(ended - start)

    def median(xs):
        return f"{statistics.median(xs) * 1000:.0f} ms ({min(xs) * 1000:.0f}–{max(xs) * 1000:.0f})"

    print(f"first answer {median(first)}; exit {median(total)}; runs {runs}")


if __name__ == "__main__":
    main(sys.argv[1:])
