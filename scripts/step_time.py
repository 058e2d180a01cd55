"""Run one step of `make run` and say how long it took: `python3 scripts/step_time.py NAME COMMAND`.

COMMAND is run by the shell; its exit status is this script's. The line "NAME: 12.3 s" is printed
when it ends, and added to the file named by TEP_STEP_TIMES when that is set, so that
scripts/run_local.py can list every step's time once the first page answers. Standard library only:
it runs before anything is installed.
"""
import os
import subprocess
import sys
import time


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: step_time.py NAME COMMAND", file=sys.stderr)
        return 2
    name, command = argv
    started = time.perf_counter()
    status = subprocess.run(command, shell=True, check=False).returncode
    line = f"{name}: {time.perf_counter() - started:.1f} s" + ("" if status == 0 else f" (failed, exit {status})")
    print(f"-- {line}", flush=True)
    if os.environ.get("TEP_STEP_TIMES"):
        with open(os.environ["TEP_STEP_TIMES"], "a", encoding="utf-8") as times:
            times.write(line + "\n")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
