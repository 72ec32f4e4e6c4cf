"""Server time of the workbench's pages: each page rendered in-process by the app's own handlers
(Starlette's TestClient, no network), after one warm-up request, as the median of N requests.
The issue's target is 100 ms for the start page and an entity page.

    .venv/bin/python bench/bench_pages.py              # dist/paradiplomacy.nq, 20 requests a page
    .venv/bin/python bench/bench_pages.py --runs 50
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.dataset import DatasetLocation  # noqa: E402

PAGES = ["/", "/id/catalonia", "/id/special-region-of-yogyakarta", "/id/relation-catalonia-spain",
         "/explain/catalonia", "/ontology", "/id/", "/vocab/", "/entities.json", "/search?q=Katalonia"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()
    from starlette.testclient import TestClient

    from kg.serve.app import create_app
    from kg.serve.config import ServerConfig

    nquads = DatasetLocation.of(ROOT).ensure_built()
    app = create_app(ServerConfig(nquads=nquads, root=ROOT, dist=nquads.parent, workers=1))
    with TestClient(app) as client:
        for path in PAGES:
            r = client.get(path, headers={"Accept": "text/html"})
            times = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                r = client.get(path, headers={"Accept": "text/html"})
                times.append(1000 * (time.perf_counter() - t0))
            times.sort()
            print(f"{path:40s} {r.status_code}  {len(r.content) / 1024:7.1f} KiB  median {statistics.median(times):6.1f} ms"
                  f"  max {times[-1]:6.1f} ms")


if __name__ == "__main__":
    main()
