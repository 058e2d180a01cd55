"""Run TEP Follow-up on this computer: the local mail catcher, the scheduler and the web app.

Called by `make run` once the demo county is loaded. Emails go to the mail catcher on
127.0.0.1, never to real inboxes; the admin pages show what it caught. Ctrl-C stops all three.
`make run` first calls it with --check-ports (before installing anything): it says at once if the
web or the mail port is taken. It needs nothing but Python's standard library.

The web app starts first, alone, so that the first page answers as soon as it can; then the mail
catcher, and once it listens the scheduler, whose emails go to it. Then it lists how long each step
of `make run` took (TEP_STEP_TIMES, written by scripts/step_time.py) and the time from the start of
`make run` (TEP_RUN_STARTED) to the first page.
"""
import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLASK = ROOT / ".venv" / "bin" / "flask"
HOST = "127.0.0.1"


def port_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers do
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


def ports_free(web_port: int, mail_port: int) -> bool:
    """Both ports free, or a message naming the one in use and how to choose another."""
    if web_port == mail_port:
        print(f"Error: the web app and the mail catcher cannot share port {web_port}: "
              f"choose another for one of them (PORT=5001 or MAIL_PORT=1026 make run)", file=sys.stderr)
        return False
    for label, port, setting in (("web app", web_port, "PORT"), ("mail catcher", mail_port, "MAIL_PORT")):
        if not port_free(port):
            print(f"Error: port {port} for the {label} is in use: stop what uses it, or choose another "
                  f"port with {setting}={port + 1} make run", file=sys.stderr)
            return False
    return True


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        with socket.socket() as sock:
            sock.settimeout(0.5)
            if sock.connect_ex((HOST, port)) == 0:
                return True
        time.sleep(0.2)
    return False


def first_page(base_url: str, timeout: float = 20) -> bool:
    """The home page answers (a page or a redirect to sign in), within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base_url + "/", timeout=5):
                return True
        except urllib.error.HTTPError:
            return True  # an answer all the same
        except OSError:
            time.sleep(0.2)
    return False


def step_times(started: str | None, steps_path: str | None, answered: float) -> list[str]:
    """The steps' times, and the time from the start of `make run` to the first page (answered, in
    seconds since the epoch), as lines to print."""
    lines = []
    if steps_path and Path(steps_path).is_file():
        lines += ["  " + line for line in Path(steps_path).read_text(encoding="utf-8").splitlines() if line]
    if started and started.replace(".", "", 1).isdigit():
        lines.append(f"  first page answered {answered - float(started):.1f} s after make run began")
    return lines


def stop(processes: list[tuple[str, subprocess.Popen]]) -> None:
    for _name, process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for name, process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            print(f"{name} did not stop; killing it", file=sys.stderr)
            process.kill()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 5000)))
    parser.add_argument("--mail-port", type=int, default=int(os.environ.get("MAIL_PORT", 1025)))
    parser.add_argument("--check-ports", action="store_true", help="only check that both ports are free")
    args = parser.parse_args(argv)
    flask = str(FLASK) if FLASK.exists() else "flask"

    if not ports_free(args.port, args.mail_port):
        return 1
    if args.check_ports:
        return 0

    base_url = f"http://{HOST}:{args.port}"
    env = {**os.environ, "TEP_SMTP_HOST": HOST, "TEP_SMTP_PORT": str(args.mail_port),
           "TEP_SMTP_STARTTLS": "0", "TEP_SMTP_USER": "", "TEP_SMTP_PASSWORD": "",
           "TEP_BASE_URL": os.environ.get("TEP_BASE_URL", base_url)}
    commands = {
        "web app": [flask, "run", "--host", HOST, "--port", str(args.port), "--no-reload"],
        "mail catcher": [flask, "tep", "mailcatcher", "--host", HOST, "--port", str(args.mail_port)],
        "scheduler": [flask, "tep", "scheduler"],
    }
    processes: list[tuple[str, subprocess.Popen]] = []

    def start(name: str) -> subprocess.Popen:
        process = subprocess.Popen(commands[name], cwd=ROOT, env=env, start_new_session=True)
        processes.append((name, process))
        return process

    def interrupt(_signum, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupt)  # also when started in the background with SIGINT ignored
    signal.signal(signal.SIGTERM, interrupt)
    try:
        if not wait_for_port(args.port, start("web app")) or not first_page(base_url):
            print("Error: the web app did not start", file=sys.stderr)
            return 1
        answered = time.time()
        if not wait_for_port(args.mail_port, start("mail catcher")):
            print("Error: the mail catcher did not start", file=sys.stderr)
            return 1
        start("scheduler")
        steps = step_times(os.environ.get("TEP_RUN_STARTED"), os.environ.get("TEP_STEP_TIMES"), answered)
        if steps:
            print("\nmake run, step by step:")
            print("\n".join(steps))
        logins = ROOT / "instance" / "demo-logins.txt"
        print()
        print(f"TEP Follow-up is running at {base_url}")
        print(f"  Sign in with a demo login from {logins}" if logins.exists()
              else "  Create a login with: .venv/bin/flask tep create-user --role admin ...")
        print(f"  Emails are caught on {HOST}:{args.mail_port}: sign in as the admin and open "
              f"{base_url}/admin/mail")
        print("  Press Ctrl-C to stop.")
        while True:
            for name, process in processes:
                if process.poll() is not None:
                    print(f"Error: the {name} stopped (exit {process.returncode}); stopping the rest",
                          file=sys.stderr)
                    return 1
            time.sleep(1)
    except KeyboardInterrupt:
        print("\nStopping TEP Follow-up")
        return 0
    finally:
        stop(processes)


if __name__ == "__main__":
    sys.exit(main())
