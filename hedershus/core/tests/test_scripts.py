"""The README's commands work as written (issue 7, items 22 and 23)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from hedershus.accounts.demo import DEMO_ACCOUNTS

ROOT = Path(__file__).resolve().parents[3]
README = ROOT / "README.md"


def _fresh_shell_environment(**extra: str) -> dict[str, str]:
    """What a person's new terminal has: PATH and HOME, none of the test suite's variables."""
    return {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/root"), **extra}


def _shell_commands(markdown: str) -> list[str]:
    """Every command line in the ```sh blocks of a markdown text, comments removed."""
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", markdown, flags=re.S):
        for line in block.splitlines():
            command = line.split("#", 1)[0].strip()
            if command:
                commands.append(command)
    return commands


def test_the_readmes_demo_totp_command_works_as_written():
    commands = [c for c in _shell_commands(README.read_text()) if "totp" in c]
    assert len(commands) == 1, commands
    result = subprocess.run(
        ["bash", "-c", commands[0]],
        cwd=ROOT,
        env=_fresh_shell_environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"\d{6}  \(valid for \d+ more seconds\)", result.stdout.strip()), result.stdout


@pytest.mark.parametrize(
    "document",
    [README, ROOT / "bench" / "README.md", *sorted((ROOT / "docs").glob("*.md"))],
    ids=lambda path: str(path.relative_to(ROOT)),
)
def test_documentation_links_stay_inside_the_repository(document):
    for target in re.findall(r"\]\(([^)\s]+)\)", document.read_text()):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue  # a web address or an anchor in the same page
        path = (document.parent / target.split("#", 1)[0]).resolve()
        assert path.is_relative_to(ROOT), f"{target} leads outside the repository"
        assert path.exists(), f"{target} does not exist"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_scripts_run_serves_on_its_port_and_prints_the_sign_ins_last(tmp_path):
    port = _free_port()
    env = _fresh_shell_environment(
        PORT=str(port),
        DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    process = subprocess.Popen(
        ["scripts/run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, to stop the server it execs
    )
    assert process.stdout is not None
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 900
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line.rstrip("\n"))
            if "Uvicorn running on" in line:
                break
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
            assert response.status == 200
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    output = "\n".join(lines)
    assert f"http://127.0.0.1:{port}/" in output
    assert "8000" not in output
    # Quiet: a line saying what happens, then the sign-ins, then only the server's own lines.
    table = next(i for i, line in enumerate(lines) if line.startswith("Demo sign-ins"))
    # pip's own warnings about this machine's package index settings are not the script's.
    ours = [line for line in lines[:table] if not line.startswith("WARNING: Location ")]
    assert len(ours) < 6, output
    emails = [line.split()[-2] for line in lines[table + 2 : table + 2 + len(DEMO_ACCOUNTS)]]
    assert emails == [account.email for account in DEMO_ACCOUNTS]
    after = lines[table + 2 + len(DEMO_ACCOUNTS) :]
    assert after and all(re.match(r"^\S+ \S+ (INFO|WARNING) uvicorn\.error ", line) for line in after), after


def _fake_checkout(tmp_path: Path) -> tuple[Path, Path]:
    """scripts/test in a copy of the checkout with stand-ins for bootstrap, Python and npm that
    record how they were called; returns (checkout, record file)."""
    checkout = tmp_path / "checkout"
    (checkout / "scripts").mkdir(parents=True)
    shutil.copy2(ROOT / "scripts" / "test", checkout / "scripts" / "test")
    (checkout / "package-lock.json").write_text("{}")
    record = tmp_path / "calls"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    stand_ins = {
        checkout / "scripts" / "bootstrap": "exit 0",
        checkout / ".venv" / "bin" / "python": f'echo "python $*" >> {record}',
        bin_dir / "npm": f'echo "npm $*" >> {record}; mkdir -p node_modules/axe-core',
    }
    for path, body in stand_ins.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"#!/bin/sh\n{body}\n")
        path.chmod(0o755)
    return checkout, record


def test_scripts_test_installs_node_modules_itself_and_keeps_the_browser_tests(tmp_path):
    checkout, record = _fake_checkout(tmp_path)
    result = subprocess.run(
        ["scripts/test", "-n", "2"],
        cwd=checkout,
        env=_fresh_shell_environment(PATH=f"{tmp_path / 'bin'}:{os.environ['PATH']}"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    calls = record.read_text().splitlines()
    assert calls[0].startswith("npm ci")
    assert calls[1] == "python -m pytest -n 2"  # e2e/ is collected: a skip is counted and said


def test_a_run_ends_by_saying_how_many_browser_tests_were_skipped_and_why():
    env = {**os.environ, "CHROMIUM": "/nonexistent/chromium"}
    env.pop("CI", None)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "e2e/test_quick_exit.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    lines = result.stdout.strip().splitlines()
    count = len(re.findall(r"^def test_", (ROOT / "e2e" / "test_quick_exit.py").read_text(), flags=re.M))
    assert re.match(
        rf"^{count} browser tests skipped: Browser tests need /nonexistent/chromium", lines[-2]
    ), lines
    assert re.match(rf"^=+ {count} skipped in ", lines[-1])  # pytest's own closing line, unchanged
