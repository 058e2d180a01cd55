"""`make run`: the web and mail ports are checked first, before anything is installed, and the
mail port can be chosen; it installs what the app and the mail catcher need, not the tests' tools."""
import importlib.util
import re
import socket
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("run_local", ROOT / "scripts" / "run_local.py")
run_local = importlib.util.module_from_spec(spec)
spec.loader.exec_module(run_local)


@pytest.fixture
def busy_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_mail_port_in_use_is_named_with_how_to_choose_another(busy_port, capsys):
    assert run_local.main(["--port", str(_free_port()), "--mail-port", str(busy_port), "--check-ports"]) == 1
    assert capsys.readouterr().err.strip() == (
        f"Error: port {busy_port} for the mail catcher is in use: stop what uses it, or choose another port "
        f"with MAIL_PORT={busy_port + 1} make run")


def test_a_web_port_in_use_is_named_too(busy_port, capsys):
    assert run_local.main(["--port", str(busy_port), "--mail-port", str(_free_port()), "--check-ports"]) == 1
    assert f"port {busy_port} for the web app is in use" in capsys.readouterr().err
    assert run_local.main(["--port", str(_free_port()), "--mail-port", str(_free_port()), "--check-ports"]) == 0


def test_make_run_checks_the_ports_before_installing_and_passes_the_mail_port():
    commands = subprocess.run(["make", "--no-print-directory", "-n", "run", "PORT=5123", "MAIL_PORT=1123"],
                              cwd=ROOT, capture_output=True, text=True, check=True).stdout.splitlines()
    assert "scripts/run_local.py --port 5123 --mail-port 1123 --check-ports" in commands[0]
    assert commands[-1].endswith("scripts/run_local.py --port 5123 --mail-port 1123")


def _make(*arguments: str) -> list[str]:
    """The commands make would run, every target remade (-B), without running them (-n)."""
    return subprocess.run(["make", "--no-print-directory", "-n", "-B", *arguments], cwd=ROOT, capture_output=True,
                          text=True, check=True).stdout.splitlines()


def test_make_run_installs_the_app_and_the_mail_catcher_and_leaves_the_tests_tools_to_make_test():
    run = _make("run")
    installs = [line.split(" -r ")[-1].rstrip('"') for line in run if " install --quiet" in line]
    assert installs == [".venv/pip.txt", "requirements.txt", ".venv/run-tools.txt"]  # the locked pip first
    assert [line for line in run if "flask tep demo" in line]
    assert [line.split(" -r ")[-1].rstrip('"') for line in _make("install") if " install --quiet" in line] == [
        ".venv/pip.txt", "requirements.txt", "requirements-dev.txt"]


def _lock_blocks(path: Path) -> dict[str, set[str]]:
    """Each package of a pip-compile lock, and the packages it is there for (its "via" lines)."""
    blocks: dict[str, set[str]] = {}
    name = None
    for line in path.read_text().splitlines():
        if re.match(r"[a-z0-9]", line):
            name = line.split("==")[0]
            blocks[name] = set()
        elif name and line.strip().startswith("#"):
            blocks[name].update(word for word in re.split(r"[\s#]+", line.replace("# via", "")) if word)
    return blocks


def test_the_packages_make_run_takes_from_the_tools_lock_are_all_the_mail_catcher_needs():
    database = subprocess.run(["make", "-pn", "ports"], cwd=ROOT, capture_output=True, text=True).stdout
    run_tools = set(re.search(r"^RUN_TOOLS := (.*)$", database, re.MULTILINE).group(1).split())
    blocks = _lock_blocks(ROOT / "requirements-dev.txt")
    needed, found = set(), {"aiosmtpd"}
    while found:
        needed |= found
        found = {name for name, via in blocks.items() if via & needed} - needed
    assert needed <= run_tools
    assert run_tools <= set(blocks)
