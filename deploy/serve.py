"""Serve the dashboard from N app replicas behind nginx, under supervisord (``make serve REPLICAS=N``).

``render`` writes ``nginx.conf`` and ``supervisord.conf`` into a run directory from the templates
beside this file; ``Deployment`` starts supervisord in the foreground (it runs nginx and the
replicas, and restarts any that dies), waits until every replica answers ``/_stcore/health``,
and stops everything on exit. The end-to-end tests (tests/e2e/test_proxy.py) and the benchmark
(benchmarks/proxy.py) start the same files.

    python deploy/serve.py --replicas 2 --port 8080          # as make serve does: replicas on 8081, 8082
    python deploy/serve.py --replicas 2 --port 8080 --parquet /srv/mc2cm/parquet   # + /mc2cm_parquet/

Data versions: a replica reads a database file that ``analytics build`` swaps in at its next page
run, without a restart (ui/data.py; measured in tests/e2e/test_proxy.py). A new Parquet directory
published at a new path needs the replicas pointed at it: ``Deployment.rolling_restart`` restarts
them one at a time (each waits until it is healthy again).
"""
from __future__ import annotations

import argparse
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

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SUPERVISORD = shutil.which("supervisord") or "/usr/bin/supervisord"
SUPERVISORCTL = shutil.which("supervisorctl") or "/usr/bin/supervisorctl"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def missing_tools() -> list[str]:
    """Debian packages not installed that a deployment needs (``make serve`` installs them as root)."""
    return [pkg for pkg, exe in (("nginx", NGINX), ("supervisor", SUPERVISORD)) if not Path(exe).exists()]


def _fill(template: str, values: dict[str, str]) -> str:
    text = (HERE / template).read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace(f"@@{key}@@", value)
    left = re.search(r"@@[A-Z_]+@@", text)
    if left:
        raise ValueError(f"{template}: placeholder {left.group()} left unfilled")
    return text


def render(run_dir: Path, replica_ports: list[int], listen: str, db: str, parquet_dir: str | None = None,
           nginx_user: str | None = None, python: str | None = None) -> Path:
    """Write ``nginx.conf`` and ``supervisord.conf`` for these replica ports into ``run_dir``;
    returns the supervisord configuration's path.

    ``listen``: nginx's listen address (``127.0.0.1:8080``, or ``80`` for every interface).
    ``parquet_dir``: also serve this published Parquet directory at ``/mc2cm_parquet/`` (static
    files, range requests) for ``MC2CM_DB=http://host/mc2cm_parquet``. ``nginx_user``: the user
    nginx's workers run as when started as root (default ``www-data``)."""
    run_dir = Path(run_dir).resolve()
    (run_dir / "nginx-tmp").mkdir(parents=True, exist_ok=True)
    root_user = os.geteuid() == 0
    user = nginx_user or ("www-data" if root_user else "")
    if root_user and user not in ("root", ""):
        shutil.chown(run_dir / "nginx-tmp", user)
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;" for p in replica_ports)
    extra = ""
    if parquet_dir:
        extra = (f"        location /mc2cm_parquet/ {{\n            alias {Path(parquet_dir).resolve()}/;\n"
                 "            add_header Cache-Control \"no-cache\";   # revalidated: a new publication shows at once\n"
                 "        }\n")
    (run_dir / "nginx.conf").write_text(_fill("nginx.conf.in", {
        "RUN": str(run_dir), "USER": f"user {user};" if user else "", "SERVERS": servers, "LISTEN": listen,
        "EXTRA": extra}), encoding="utf-8")
    programs = "\n".join(_fill("replica.conf.in", {
        "INDEX": str(i), "PORT": str(port), "ROOT": str(ROOT), "DB": str(db), "RUN": str(run_dir),
        "PYTHON": python or sys.executable}) for i, port in enumerate(replica_ports))
    conf = run_dir / "supervisord.conf"
    conf.write_text(_fill("supervisord.conf.in", {
        "RUN": str(run_dir), "NGINX": NGINX, "PROGRAMS": programs,
        "SUPERVISOR_USER": "user=root" if root_user else ""}), encoding="utf-8")
    return conf


def serve_store(run_dir: Path, parquet_dir: str, nginx_user: str | None = None, port: int | None = None):
    """nginx alone serving a published Parquet directory at ``/mc2cm_parquet/`` (range requests),
    for ``open_store("http://127.0.0.1:PORT/mc2cm_parquet")``; returns (process, URL). The
    same configuration as the deployment, with no replica behind ``/``."""
    port = port or free_port()
    render(Path(run_dir), [free_port()], f"127.0.0.1:{port}", "", parquet_dir, nginx_user)
    run = Path(run_dir).resolve()
    proc = subprocess.Popen([NGINX, "-c", str(run / "nginx.conf"), "-p", str(run)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/mc2cm_parquet"
    deadline = time.time() + 20
    while not _healthy(url + "/manifest.json"):
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            raise RuntimeError(f"nginx did not serve {url}; see {run / 'nginx-error.log'}")
        time.sleep(0.1)
    return proc, url


def _healthy(url: str, timeout: float = 2) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


def ports_in_use(ports: list[int], host: str = "127.0.0.1") -> list[int]:
    """The ``ports`` something already listens on (nginx or a replica would fail to start there)."""
    taken = []
    for port in ports:
        with socket.socket() as sock:
            try:
                sock.bind((host, port))
            except OSError:
                taken.append(port)
    return taken


def free_ports_in(first: int, last: int, count: int) -> list[int]:
    """``count`` ports between ``first`` and ``last`` (inclusive) that nothing listens on now, lowest
    first (a machine shared with other servers: take what is free in the range one was given)."""
    free = [p for p in range(first, last + 1) if not ports_in_use([p])]
    if len(free) < count:
        raise RuntimeError(f"only {len(free)} free ports in {first}-{last} ({free}), {count} needed")
    return free[:count]


class Deployment:
    """supervisord + nginx + N replicas on localhost ports, in ``run_dir``.

    ``port``: nginx's port (default: a free one). ``replica_base``: the replicas listen on
    ``replica_base``, ``replica_base + 1``, ... (default: free ports), so a deployment can be
    kept inside a given port range (``make serve``: nginx on ``PORT``, replicas on the next N)."""

    def __init__(self, run_dir: Path, replicas: int, db: str, port: int | None = None, parquet_dir: str | None = None,
                 nginx_user: str | None = None, listen: str | None = None, replica_base: int | None = None,
                 replica_ports: list[int] | None = None):
        self.run_dir = Path(run_dir).resolve()
        self.port = port or free_port()
        if replica_ports:
            self.replica_ports = list(replica_ports)[:replicas]
        elif replica_base:
            self.replica_ports = [replica_base + i for i in range(replicas)]
        else:
            self.replica_ports = [free_port() for _ in range(replicas)]
        taken = ports_in_use([self.port, *self.replica_ports]) if (port or replica_base or replica_ports) else []
        if taken:
            raise RuntimeError(f"ports already in use on 127.0.0.1: {taken}; choose others (--port, --replica-base)")
        self.conf = render(self.run_dir, self.replica_ports, listen or f"127.0.0.1:{self.port}", db, parquet_dir, nginx_user)
        self.proc: subprocess.Popen | None = None
        self.ready_s = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self, timeout: float = 120) -> "Deployment":
        self.proc = subprocess.Popen([SUPERVISORD, "-n", "-c", str(self.conf)], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self.ready_s = self.wait_healthy(timeout)
        return self

    def wait_healthy(self, timeout: float = 120, ports: list[int] | None = None) -> float:
        """Wait until every replica (or ``ports``) and the proxy answer /_stcore/health; returns seconds."""
        start = time.time()
        pending = set(ports or self.replica_ports)
        while time.time() - start < timeout:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"supervisord exited ({self.proc.returncode}); logs in {self.run_dir}")
            pending = {p for p in pending if not _healthy(f"http://127.0.0.1:{p}/_stcore/health")}
            if not pending and _healthy(self.url + "_stcore/health"):
                return time.time() - start
            time.sleep(0.2)
        raise TimeoutError(f"replicas on ports {sorted(pending)} not healthy after {timeout:.0f} s; logs in {self.run_dir}")

    def ctl(self, *args: str) -> str:
        done = subprocess.run([SUPERVISORCTL, "-c", str(self.conf), *args], capture_output=True, text=True, timeout=60)
        return done.stdout

    def pid(self, index: int) -> int:
        """The process id of replica ``index`` (the shell exec's into streamlit: the app's own pid)."""
        return int(self.ctl("pid", f"replica-{index}").strip())

    def replica_of_port(self, port: int) -> int:
        return self.replica_ports.index(port)

    def rolling_restart(self, timeout: float = 120) -> list[float]:
        """Restart the replicas one at a time, each until healthy; returns each one's seconds.
        A session on a restarting replica reconnects through nginx to another one and reopens
        its view from its URL; the others keep serving."""
        took = []
        for index, port in enumerate(self.replica_ports):
            start = time.time()
            self.ctl("restart", f"replica-{index}")
            self.wait_healthy(timeout, ports=[port])
            took.append(time.time() - start)
        return took

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)  # supervisord stops nginx and every replica first
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--port", type=int, default=8080, help="nginx's port")
    parser.add_argument("--replica-base", type=int, help="the first replica's port (default PORT+1; replicas on the next ports)")
    parser.add_argument("--listen", help="nginx's listen address (default 127.0.0.1:PORT; '8080' for every interface)")
    parser.add_argument("--db", default=os.environ.get("MC2CM_DB", str(ROOT / "data" / "mc2cm.duckdb")))
    parser.add_argument("--parquet", help="also serve this published Parquet directory at /mc2cm_parquet/")
    parser.add_argument("--run-dir", default=str(ROOT / ".serve"))
    args = parser.parse_args(argv)
    if missing_tools():
        print(f"missing Debian packages: {' '.join(missing_tools())} (apt-get install -y {' '.join(missing_tools())})")
        return 2
    db = str(Path(args.db).resolve()) if "://" not in args.db else args.db
    try:
        deployment = Deployment(Path(args.run_dir), args.replicas, db, args.port, args.parquet, listen=args.listen,
                                replica_base=args.replica_base or args.port + 1)
    except RuntimeError as error:
        print(f"cannot serve: {error}", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt))
    print(f"starting nginx on {deployment.port} and {args.replicas} replica(s) on {deployment.replica_ports} "
          f"(data: {db}) ...", flush=True)
    try:
        deployment.start()
        print(f"{args.replicas} replica(s) healthy after {deployment.ready_s:.0f} s behind nginx: {deployment.url}"
              f"  (logs and configuration: {deployment.run_dir}; Ctrl-C stops)", flush=True)
        deployment.proc.wait()
    except KeyboardInterrupt:
        pass
    finally:
        deployment.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
