"""The issue's reference point, measured here: newsboat on bench/poll.py's feeds and server.

    python bench/newsboat.py                  # 300 feeds × 40 items, 150 ms latency
    python bench/newsboat.py --feeds 50 --items 20

Issue #2 sets the cold-poll target against newsboat 2.21 (`reload-threads 32`) taking 5.5 s on
"the 2-core development machine". Machines differ; this runs newsboat (`apt-get install
newsboat`; the script says so and exits when it is absent) on the same synthetic feeds, served
by the same loopback server with the same latency, so that briefing's figures from
bench/poll.py can be read against it on the machine at hand. Prints newsboat's cold reload
(empty cache) and its second reload.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from poll import serve, shape_arguments  # bench/poll.py: the same server, documents and shape


def main() -> int:
    parser = shape_arguments(__doc__)
    parser.add_argument("--threads", type=int, default=32, help="newsboat's reload-threads (default 32)")
    args = parser.parse_args()
    newsboat = shutil.which("newsboat")
    if newsboat is None:
        print("newsboat is not installed (Debian: apt-get install newsboat); nothing to compare", file=sys.stderr)
        return 2
    version = subprocess.run([newsboat, "--version"], capture_output=True, text=True).stdout.splitlines()[0]

    hosts = [f"127.0.0.{i + 2}" for i in range(args.hosts)]
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    server = context.Process(target=serve, args=(queue, args.feeds, args.items, args.latency, hosts), daemon=True)
    server.start()
    port = queue.get(timeout=60)
    print(f"{version}: {args.feeds} feeds × {args.items} items, {args.latency * 1000:.0f} ms latency, "
          f"{args.hosts} hosts, reload-threads {args.threads}, {os.cpu_count()} CPUs")  # fmt: skip
    try:
        with tempfile.TemporaryDirectory() as tmp:
            home = Path(tmp)
            urls = "".join(f"http://{hosts[i % len(hosts)]}:{port}/feed/{i}.xml\n" for i in range(args.feeds))
            (home / "urls").write_text(urls)
            (home / "config").write_text(f"reload-threads {args.threads}\n")
            command = [newsboat, "-u", str(home / "urls"), "-c", str(home / "cache.db"), "-C", str(home / "config"),
                       "-x", "reload"]  # fmt: skip
            for label in ("cold reload", "second reload"):
                started = time.perf_counter()
                done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "HOME": tmp})
                elapsed = time.perf_counter() - started
                if done.returncode != 0:
                    print(f"newsboat failed ({done.returncode}): {done.stderr.strip()[:200]}", file=sys.stderr)
                    return 1
                with sqlite3.connect(home / "cache.db") as db:
                    stored = db.execute("SELECT count(*) FROM rss_item").fetchone()[0]
                print(f"{label + ':':<15} {elapsed:6.2f} s  ({stored} items stored)")
    finally:
        server.terminate()
    print("load average: {:.1f} {:.1f} {:.1f} (other work on the machine slows every figure)".format(*os.getloadavg()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
