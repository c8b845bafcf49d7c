"""Fixtures for the real-browser tests: Debian Chromium driven by Playwright, Voila and JupyterLab
servers on 127.0.0.1 in their own process group, everything they write kept in tmp dirs.

    >>> def test_page(chromium_page, voila_server):
    ...     url = voila_server("notebooks/01_triage.ipynb")
    ...     chromium_page.goto(url)

Skip rule: outside CI these tests skip only when /usr/bin/chromium is missing; with `CI=true` a
missing Chromium is a failure.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "tests" / "out"  # screenshots (git-ignored)
CHROMIUM = Path("/usr/bin/chromium")
# From docs/notebook-testing.md ("Real browser").
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
VENV_BIN = Path(sys.executable).parent
SERVER_START_TIMEOUT = 45.0  # seconds; Voila is ready in ~2 s, Lab in ~5 s on 2 cores
SERVER_STOP_TIMEOUT = 10.0
LAB_TOKEN = "ucnb-browser-test-token"
LOGS_KEY = pytest.StashKey[list]()
SERVER_DIR = "server"  # under tmp_path: everything the servers and their kernels write


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "browser: drives Debian Chromium against a Voila/JupyterLab server (slow, ~10-30 s)"
    )


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Attach the server logs of a failed browser test to its report."""
    report = yield
    if report.failed:
        for name, path in item.stash.get(LOGS_KEY, []):
            text = Path(path).read_text(errors="replace") if Path(path).exists() else "(no log file)"
            report.sections.append((f"{name} log ({path})", text[-20000:]))
    return report


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """/usr/bin/chromium, or a skip (a failure when CI=true) when it is missing."""
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    message = (
        f"{CHROMIUM} is missing: the browser tests need Debian's chromium "
        "(`apt-get install -y chromium`, as root; .ci/run does it)"
    )
    if _in_ci():
        pytest.fail(f"CI=true and {message}", pytrace=False)
    pytest.skip(message)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def repo() -> Path:
    """The repository root: servers run there, notebooks are found there."""
    return REPO


@pytest.fixture(scope="session")
def lab_token() -> str:
    """The token JupyterLab is started with (`?token=...` in the first URL)."""
    return LAB_TOKEN


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A per-session cache dir (matplotlib's font cache is built once, not in the user's home)."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture
def jupyter_env(tmp_path: Path, shared_cache: Path) -> dict[str, str]:
    """Environment for a Jupyter server: runtime, config, data, IPython and temp dirs under tmp_path,
    so nothing is written to the repo or to the user's home."""
    root = tmp_path / SERVER_DIR
    dirs = {
        "JUPYTER_RUNTIME_DIR": root / "jupyter-runtime",  # Lab's kernel connection files
        "JUPYTER_CONFIG_DIR": root / "jupyter-config",
        "JUPYTER_DATA_DIR": root / "jupyter-data",
        "IPYTHONDIR": root / "ipython",
        "TMPDIR": root / "tmp",  # Voila's kernel connection files
        "MPLCONFIGDIR": shared_cache / "matplotlib",
    }
    for path in dirs.values():
        path.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update({name: str(path) for name, path in dirs.items()})
    env.update(
        {
            "MPLBACKEND": "Agg",
            "PYDEVD_DISABLE_FILE_VALIDATION": "1",
            "PATH": f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}",
        }
    )
    env.pop("JUPYTER_PATH", None)
    return env


class Server:
    """A server process in its own process group, with its log in a file."""

    def __init__(
        self, name: str, cmd: list[str], *, cwd: Path, env: dict[str, str], log: Path, marker: str
    ) -> None:
        self.name = name
        self.marker = marker  # a path in the command line of every process it starts (its kernels)
        self.cmd = cmd
        self.log = log
        self._log_file = log.open("wb")
        self.proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # own session, so own process group: pgid == pid
        )
        self.pgid = self.proc.pid

    def log_text(self) -> str:
        self._log_file.flush()
        return self.log.read_text(errors="replace")

    def wait_ready(
        self, url: str, *, headers: dict[str, str] | None = None, timeout: float = SERVER_START_TIMEOUT
    ) -> float:
        """Poll `url` until it answers 200; returns the seconds it took. Fails with the log when the
        server exits or does not answer in time."""
        start = time.monotonic()
        last = "no answer"
        while time.monotonic() - start < timeout:
            if self.proc.poll() is not None:
                pytest.fail(
                    f"{self.name} exited with code {self.proc.returncode} before answering {url}:\n"
                    + self.log_text()[-5000:],
                    pytrace=False,
                )
            try:
                request = urllib.request.Request(url, headers=headers or {})
                with urllib.request.urlopen(request, timeout=2) as response:
                    if response.status == 200:
                        return time.monotonic() - start
                    last = f"HTTP {response.status}"
            except urllib.error.HTTPError as error:
                last = f"HTTP {error.code}"
            except (urllib.error.URLError, OSError) as error:
                last = str(error)
            time.sleep(0.2)
        pytest.fail(
            f"{self.name} did not answer {url} within {timeout:.0f} s (last: {last}):\n"
            + self.log_text()[-5000:],
            pytrace=False,
        )

    def stop(self) -> None:
        """SIGTERM the server's process group, SIGKILL after a timeout. Kernels run in their own
        session (jupyter_client starts them so) and exit when their parent does (ipykernel's parent
        poller); any still running after the timeout are killed by PID (their connection file is
        in this test's tmp dir, so they are ours)."""
        try:
            if self.proc.poll() is None or _group_alive(self.pgid):
                try:
                    os.killpg(self.pgid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
                try:
                    self.proc.wait(timeout=SERVER_STOP_TIMEOUT)
                except subprocess.TimeoutExpired:
                    pass
                deadline = time.monotonic() + SERVER_STOP_TIMEOUT
                while _group_alive(self.pgid) and time.monotonic() < deadline:
                    time.sleep(0.1)
                if _group_alive(self.pgid):
                    try:
                        os.killpg(self.pgid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                    self.proc.wait(timeout=SERVER_STOP_TIMEOUT)
            deadline = time.monotonic() + SERVER_STOP_TIMEOUT
            while _processes_with(self.marker) and time.monotonic() < deadline:
                time.sleep(0.2)
            for pid in _processes_with(self.marker):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        finally:
            self._log_file.close()


def _processes_with(marker: str) -> list[int]:
    """PIDs of the live processes whose command line mentions `marker` (Linux /proc)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if marker in cmdline and state != "Z":
            pids.append(int(entry.name))
    return pids


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@pytest.fixture
def start_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """Factory: `start_server(name, cmd, env=...)` starts a `Server` (cwd: the repo root, log in
    tmp_path) and stops its process group at teardown; a failed test's report carries the log."""
    servers: list[Server] = []
    logs = request.node.stash.setdefault(LOGS_KEY, [])

    def start(name: str, cmd: list[str], *, env: dict[str, str]) -> Server:
        log = tmp_path / f"{name.lower().replace(' ', '-')}.log"
        logs.append((name, str(log)))
        server = Server(name, cmd, cwd=REPO, env=env, log=log, marker=f"{tmp_path / SERVER_DIR}/")
        servers.append(server)
        return server

    try:
        yield start
    finally:
        for server in reversed(servers):
            server.stop()


@pytest.fixture
def voila_server(start_server, jupyter_env: dict[str, str]) -> Callable[..., str]:
    """Factory: `voila_server("notebooks/01_triage.ipynb", env={...})` serves one notebook with
    Voila on 127.0.0.1 and a free port; returns its URL once Voila answers."""

    def serve(notebook: str, *, env: dict[str, str] | None = None) -> str:
        port = free_port()
        cmd = [
            str(VENV_BIN / "voila"),
            notebook,
            "--no-browser",
            f"--port={port}",
            "--Voila.ip=127.0.0.1",
        ]
        server = start_server("Voila", cmd, env={**jupyter_env, **(env or {})})
        base = f"http://127.0.0.1:{port}"
        # a static file: polling the notebook URL itself would start a kernel per poll
        server.wait_ready(f"{base}/voila/static/voila.js")
        return f"{base}/"

    return serve


@pytest.fixture
def lab_server(start_server, jupyter_env: dict[str, str], tmp_path: Path) -> Callable[..., str]:
    """Factory: `lab_server()` starts JupyterLab on the repo root with token LAB_TOKEN, workspaces
    and user settings in tmp_path (autosave and news off, so the repo's notebooks are never
    written); returns the base URL once the API answers."""

    def serve(*, env: dict[str, str] | None = None) -> str:
        port = free_port()
        settings = tmp_path / SERVER_DIR / "lab-user-settings"
        _write_lab_settings(settings)
        workspaces = tmp_path / SERVER_DIR / "lab-workspaces"
        workspaces.mkdir(exist_ok=True)
        cmd = [
            str(VENV_BIN / "jupyter"),
            "lab",
            "--no-browser",
            f"--port={port}",
            "--ServerApp.ip=127.0.0.1",
            f"--IdentityProvider.token={LAB_TOKEN}",
            f"--ServerApp.root_dir={REPO}",
            f"--LabApp.workspaces_dir={workspaces}",
            f"--LabApp.user_settings_dir={settings}",
            "--ServerApp.port_retries=0",
            "--ServerApp.open_browser=False",
            "--allow-root",
            "--LabApp.extension_manager=readonly",  # no PyPI queries
            # opening a notebook creates .ipynb_checkpoints/ next to it: keep that in tmp too
            f"--FileCheckpoints.root_dir={tmp_path / SERVER_DIR / 'checkpoints'}",
        ]
        server = start_server("JupyterLab", cmd, env={**jupyter_env, **(env or {})})
        base = f"http://127.0.0.1:{port}"
        server.wait_ready(f"{base}/api/status", headers={"Authorization": f"token {LAB_TOKEN}"})
        return base

    return serve


def _write_lab_settings(root: Path) -> None:
    """User settings: no autosave (Run All makes the notebook dirty), no news/update pop-ups."""
    import json

    files = {
        "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
            "fetchNews": "false",
            "checkForUpdates": False,
        },
    }
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content))


@pytest.fixture
def chromium_page(chromium_path: Path, tmp_path: Path):
    """A Playwright page in Debian Chromium with a fresh user data dir (tmp_path); page errors and
    console errors are collected in `page.ucnb_errors`."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (Python) is not installed")
    profile = tmp_path / "chromium-profile"
    home = tmp_path / "chromium-home"  # Chromium writes crash reports and dconf under $HOME/XDG dirs
    env = dict(os.environ)
    env.update(
        {
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "XDG_DATA_HOME": str(home / ".local" / "share"),
        }
    )
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(chromium_path),
            args=CHROMIUM_ARGS,
            headless=True,
            env=env,
            viewport={"width": 1280, "height": 1000},
        )
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.set_default_timeout(20_000)
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
            page.ucnb_errors = errors  # type: ignore[attr-defined]
            yield page
        finally:
            context.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def screenshot_path(request: pytest.FixtureRequest) -> Path:
    """tests/out/<test name>.png (the directory is git-ignored)."""
    OUT.mkdir(parents=True, exist_ok=True)
    return OUT / f"{request.node.name}.png"
