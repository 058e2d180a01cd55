"""`make run`: the web and mail ports are checked first, before anything is installed, and the
mail port can be chosen."""
import importlib.util
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
