"""``app``: the toolkit's page in the browser, served on this machine with Voilà.

Voilà (``python -m voila``) renders the notebook ``sampling/templates/app.ipynb`` as a page of
widgets with its code hidden. It runs as a child process from a new temporary folder holding a
copy of the notebook, which is also where its kernels' connection files and IPython's profile
go; the folder is removed when the command ends (Ctrl-C included), so nothing is written into
the package or the working directory. The server listens on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .._errors import SamplingError

#: Voilà's own default port.
DEFAULT_PORT = 8866
HOST = "127.0.0.1"
#: How long Voilà may take to start listening before the command gives up (seconds).
START_TIMEOUT = 60.0


def _port_arg(text: str) -> int:
    if not (text.strip().isascii() and text.strip().isdigit()) or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"a port is a whole number from 1 to 65535, got {text!r}")
    return int(text)


def _check_port(port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # as the server binds: connections of a server just stopped (TIME_WAIT) do not hold the port
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError:
            raise SamplingError(f"--port: port {port} on {HOST} is in use; choose another, "
                                f"e.g. --port {port + 1}") from None


def _listening(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.2)
        return probe.connect_ex((HOST, port)) == 0


def _kernel_transport(folder: str) -> str:
    """"ipc" (Unix sockets in the private temporary folder, no network port) when the longest
    socket path Voilà makes there fits in a Unix socket address (103 bytes, macOS's limit, below
    Linux's 107), else "tcp" (on 127.0.0.1, jupyter_client's default address)."""
    longest = os.path.join(folder, "voila_" + "x" * 8, "kernel-" + "0" * 36 + "-ipc-5")
    return "ipc" if os.name == "posix" and len(longest.encode()) <= 103 else "tcp"


def prelaunch(handler, notebook, cwd) -> None:
    """Voilà's prelaunch hook (``VoilaConfiguration.prelaunch_hook``), called as each page is
    served: it reads the handler's ``xsrf_token``, which sets the ``_xsrf`` cookie.

    When the page is closed, Voilà's page asks the server to shut its kernel down (a
    ``navigator.sendBeacon`` POST carrying that cookie's value); Voilà 0.5's page handler never
    sets the cookie, so jupyter_server refuses the request (403) and the kernel, with whatever was
    uploaded into it, would live on until the command stops.
    """
    handler.xsrf_token  # noqa: B018 - read for its side effect, the cookie


#: ``voila.py``, Voilà's configuration file, written into the temporary folder: the hook above.
VOILA_CONFIG = "from sampling.cli.app import prelaunch\n\nc.VoilaConfiguration.prelaunch_hook = prelaunch\n"


#: The page's template, written into the temporary folder's Jupyter data directory: Voilà's
#: ``lab`` template less the two stylesheets it links from a content network (Font Awesome), so
#: that the page asks nothing of any machine but this one. Its ``conf.json`` names ``lab`` as the
#: base, so everything else is Voilà's own.
TEMPLATE_NAME = "inspection-sampling"
TEMPLATE_FILES = {
    "conf.json": '{"base_template": "lab"}\n',
    "index.html.j2": (
        "{%- extends 'lab/index.html.j2' -%}\n"
        "{%- block notebook_css -%}\n"
        "{{ super() | replace('<link rel=\"stylesheet\" href=\"https://cdn.jsdelivr.net/npm/"
        "@fortawesome/fontawesome-free@^5/css/all.min.css\" type=\"text/css\" />', '')"
        " | replace('<link rel=\"stylesheet\" href=\"https://cdn.jsdelivr.net/npm/"
        "@fortawesome/fontawesome-free@^5/css/v4-shims.min.css\" type=\"text/css\" />', '') }}\n"
        "{%- endblock notebook_css -%}\n"),
}


def write_template(folder) -> Path:
    """Write the page's template (:data:`TEMPLATE_FILES`) under ``folder/jupyter`` and return that
    Jupyter data directory (for ``JUPYTER_PATH``)."""
    data = Path(folder) / "jupyter"
    where = data / "voila" / "templates" / TEMPLATE_NAME
    where.mkdir(parents=True, exist_ok=True)
    for name, text in TEMPLATE_FILES.items():
        (where / name).write_text(text, encoding="utf-8")
    return data


def voila_command(notebook: str, port: int, folder: str, theme: str = "light") -> list[str]:
    """The Voilà command line: 127.0.0.1 only, this port or none, no browser, its configuration
    (:data:`VOILA_CONFIG`) read from ``folder/config`` only, connection files (and the kernels'
    sockets) in ``folder``, no tracebacks sent to the page, and a kernel whose page has gone
    without saying so (a browser that crashed) shut down after a minute."""
    return [sys.executable, "-m", "voila", notebook, f"--Voila.ip={HOST}", f"--port={port}", "--no-browser",
            f"--theme={theme}", f"--template={TEMPLATE_NAME}", "--Voila.port_retries=0",
            f"--Voila.config_file_paths={folder}/config",
            f"--Voila.connection_dir_root={folder}", f"--KernelManager.transport={_kernel_transport(folder)}",
            "--show_tracebacks=False", "--MappingKernelManager.cull_idle_timeout=60",
            "--MappingKernelManager.cull_interval=20", "--Voila.log_level=ERROR"]


def _stop(process: subprocess.Popen) -> None:
    """Stop Voilà: SIGTERM (it shuts its kernels down), then SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _serve(args, folder: str) -> int:
    from ..app import notebook_path

    notebook = Path(folder) / "inspection-sampling.ipynb"
    shutil.copyfile(notebook_path(), notebook)
    (Path(folder) / "config").mkdir()
    (Path(folder) / "config" / "voila.py").write_text(VOILA_CONFIG)
    data = write_template(folder)
    paths = [str(data), *filter(None, os.environ.get("JUPYTER_PATH", "").split(os.pathsep))]
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(Path(folder) / "runtime"),
               IPYTHONDIR=str(Path(folder) / "ipython"), JUPYTER_PATH=os.pathsep.join(paths))
    # a session of its own: Ctrl-C reaches this command, which stops Voilà and its kernels
    process = subprocess.Popen(voila_command(notebook.name, args.port, folder, args.theme), cwd=folder,
                               env=env, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _listening(args.port):
            if process.poll() is not None:
                print(f"error: Voilà stopped before serving the app (exit status {process.returncode}); "
                      "its messages are above", file=sys.stderr)
                return 2
            if time.monotonic() > deadline:
                print(f"error: Voilà did not start listening on {HOST}:{args.port} within "
                      f"{START_TIMEOUT:g} s", file=sys.stderr)
                return 2
            time.sleep(0.1)
        url = f"http://{HOST}:{args.port}/"
        print(f"The app is at {url} - listening on {HOST} only (this machine); uploads stay in memory "
              "or a temporary folder removed on exit. Press Ctrl-C to stop.", flush=True)
        if not args.no_browser:
            import webbrowser

            webbrowser.open(url)
        process.wait()
        return 0 if process.returncode in (0, -signal.SIGTERM) else 2
    except KeyboardInterrupt:
        print("stopping the app", file=sys.stderr)
        return 0
    finally:
        _stop(process)


def _cmd_app(args) -> int:
    missing = [name for name in ("voila", "ipywidgets") if importlib.util.find_spec(name) is None]
    if missing:
        print(f"error: the app needs {' and '.join(missing)}: pip install -e \".[app]\" "
              "(or pip install 'inspection-sampling[app]')", file=sys.stderr)
        return 2
    _check_port(args.port)
    previous = signal.signal(signal.SIGTERM, _interrupt)  # a plain kill cleans up as Ctrl-C does
    folder = tempfile.mkdtemp(prefix="sampling-app-")
    try:
        return _serve(args, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        signal.signal(signal.SIGTERM, previous)


def register(sub) -> None:
    p = sub.add_parser("app", help="the toolkit's page in the browser, on this machine only",
                       description="Serve the toolkit's page (sample size, planning an inspection, how "
                                   "sure a rating is) with Voilà on 127.0.0.1, print its address and open "
                                   "a browser. Nothing is sent anywhere: uploads stay on this machine, in "
                                   "memory or a temporary folder removed on exit. Ctrl-C stops it.")
    p.add_argument("--port", type=_port_arg, default=DEFAULT_PORT, metavar="P",
                   help=f"the port on 127.0.0.1 (default {DEFAULT_PORT})")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser; just print the address")
    p.add_argument("--theme", choices=("light", "dark"), default="light", help="the page's colours")
    p.set_defaults(func=_cmd_app)
