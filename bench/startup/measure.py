#!/usr/bin/env python3
"""Runs one command as a whole process and appends "wall_s cpu_s maxrss_kb" for it to a file.

    measure.py OUTFILE CMD [ARG...]

The figures are those of the command's own process tree, from wait4(): wall time by a monotonic clock, CPU time
(user + system) and peak resident set size, all at microsecond or kilobyte resolution. /usr/bin/time rounds to
10 ms, which is the whole run of a natively compiled program. Output goes to /dev/null; a non-zero exit fails.
"""
import os
import sys
import time


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    out_file, command = sys.argv[1], sys.argv[2:]
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        try:
            os.execvp(command[0], command)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    wall = time.monotonic() - started
    with open(out_file, "a", encoding="ascii") as f:
        f.write(f"{wall:.6f} {usage.ru_utime + usage.ru_stime:.6f} {usage.ru_maxrss}\n")
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        print(f"measure.py: {command[0]} exited {code}", file=sys.stderr)
    return 0 if code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
