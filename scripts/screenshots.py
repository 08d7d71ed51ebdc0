#!/usr/bin/env python3
"""Load derive's HTML report and the executed tour notebook in headless Chromium.

    python scripts/screenshots.py [OUTDIR]      # default: build/screenshots

writes, for the report of the built-in post (``derive check softmax-cross-entropy
--format html``) and for ``examples/derive-tour.ipynb`` executed and converted by
nbconvert (lab template), a PNG of the whole page, the page itself, and what the
browser measured: the geometry of every formula and table cell, and every network
request made. tests/test_browser.py uses the same functions and asserts on them.

Nothing is fetched: Chromium runs with its background services off and every host
name unresolvable, and its net log records any request that was still attempted.
nbconvert's own script tags (MathJax, require.js, widgets, mermaid) are pointed at
empty ``data:`` URLs; derive's output needs none of them (its maths is MathML).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "examples" / "derive-tour.ipynb"
WIDTH = 1200

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--disable-default-apps", "--disable-extensions", "--no-default-browser-check",
         "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication",
         "--host-resolver-rules=MAP * ~NOTFOUND", "--hide-scrollbars",
         "--virtual-time-budget=4000", "--run-all-compositor-stages-before-draw"]

# Measures the page once laid out and writes the result into it as JSON, for --dump-dom.
MEASURE = r"""
<script>
(function () {
  function box(e) { const r = e.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom,
            width: r.width, height: r.height}; }
  function measure() {
    const root = document.querySelectorAll('.derive-report');
    const maths = [];
    document.querySelectorAll('.derive-report math').forEach(function (m) {
      const fracs = [], subs = [];
      m.querySelectorAll('mfrac').forEach(function (f) {
        if (f.children.length == 2) fracs.push([box(f.children[0]), box(f.children[1])]); });
      m.querySelectorAll('msub, msubsup').forEach(function (s) {
        if (s.children.length >= 2) subs.push([box(s.children[0]), box(s.children[1])]); });
      const ann = m.querySelector('annotation');
      const cell = m.closest('td');
      maths.push({tex: ann ? ann.textContent : '', box: box(m), fracs: fracs, subs: subs,
                  rects: m.getClientRects().length, display: getComputedStyle(m).display,
                  annotation: ann ? box(ann) : null, cell: cell ? box(cell) : null});
    });
    const cells = [];
    document.querySelectorAll('.derive-report table.derive-links td').forEach(function (td) {
      let right = 0;
      td.querySelectorAll('*').forEach(function (e) { right = Math.max(right, box(e).right); });
      cells.push({cls: td.className, box: box(td), content_right: right,
                  scroll: td.scrollWidth, client: td.clientWidth,
                  align: getComputedStyle(td).textAlign, text: td.textContent.slice(0, 80)});
    });
    const pieces = [];
    document.querySelectorAll('.derive-report .derive-math').forEach(function (s) {
      pieces.push({scroll: s.scrollWidth, client: s.clientWidth, box: box(s)}); });
    const reports = [];
    root.forEach(function (r) { reports.push(box(r)); });
    const out = {maths: maths, cells: cells, pieces: pieces, reports: reports,
                 fallbacks: document.querySelectorAll('.derive-report code.derive-tex').length,
                 height: document.documentElement.scrollHeight,
                 width: document.documentElement.scrollWidth, viewport: window.innerWidth};
    const pre = document.createElement('pre');
    pre.id = 'derive-geometry';
    pre.textContent = JSON.stringify(out);
    document.body.appendChild(pre);
  }
  if (document.readyState === 'complete') measure();
  else window.addEventListener('load', measure);
})();
</script>
"""


def chromium() -> str | None:
    """The Chromium binary, or None."""
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def report_html() -> str:
    """The HTML page of the built-in post, as `derive check --format html` writes it."""
    import derive
    from derive.report.render import render

    return render(derive.check("softmax-cross-entropy"), "html")


def notebook_html(timeout: int = 300) -> str:
    """examples/derive-tour.ipynb executed (nbclient) and converted to HTML (nbconvert, lab)."""
    import nbclient
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(NOTEBOOK, as_version=4)
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [old])])
    try:
        nbclient.NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    finally:
        if old is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = old
    empty = "data:text/javascript,"
    exporter = HTMLExporter(template_name="lab", mathjax_url=empty, require_js_url=empty,
                            jquery_url=empty, widget_renderer_url=empty,
                            jupyter_widgets_base_url=empty, mermaid_js_url=empty,
                            mermaid_layout_elk_js_url=empty)
    body, _ = exporter.from_notebook_node(nb)
    return body


def _requests(netlog: Path) -> list[str]:
    """Every URL the page asked for, other than file: and data: ones.

    Chromium's own services (update checks, accounts) also show up in the net log,
    whatever the flags; they start with the initiator "not an origin", where any
    request of the page carries the page's origin ("null" for a file).
    """
    text = netlog.read_text(encoding="utf-8", errors="replace").rstrip()
    if not text.endswith("}"):  # a log cut short (the browser was killed): close it
        text = text.rstrip(",") + "]}"
    log = json.loads(text)
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = set()
    for event in log.get("events", []):
        params = event.get("params") or {}
        if event.get("type") != start or params.get("initiator") == "not an origin":
            continue
        url = params.get("url", "")
        if url and not url.startswith(("file:", "data:", "about:")):
            urls.add(url)
    return sorted(urls)


def load(html: str, workdir: Path, name: str, screenshot: Path | None = None,
         first_screen: int = 0) -> dict:
    """Open `html` in headless Chromium: the measured geometry and the network requests.

    Returns {"geometry": …, "requests": [...]} (see MEASURE); with `screenshot`, also
    writes a PNG of the whole page there, and with `first_screen` one of the top
    `first_screen` pixels only (name-top.png), which is easier to look at.
    """
    browser = chromium()
    if browser is None:
        raise RuntimeError("chromium is not installed")
    workdir = workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    page = workdir / f"{name}.html"
    page.write_text(html, encoding="utf-8")
    probe = workdir / f"{name}.measure.html"
    probe.write_text(html.replace("</body>", MEASURE + "</body>", 1), encoding="utf-8")
    netlog = workdir / f"{name}.netlog.json"
    with tempfile.TemporaryDirectory() as profile:
        proc = subprocess.run(
            [browser, *FLAGS, f"--user-data-dir={profile}", f"--log-net-log={netlog}",
             f"--window-size={WIDTH},900", "--dump-dom", probe.as_uri()],
            capture_output=True, text=True, timeout=120, check=False)
    dom = proc.stdout
    start = dom.find('<pre id="derive-geometry">')
    if start < 0:
        raise RuntimeError(f"no geometry from chromium (exit {proc.returncode}): "
                           f"{proc.stderr[-2000:]}")
    end = dom.index("</pre>", start)
    import html as html_lib

    geometry = json.loads(html_lib.unescape(dom[start + len('<pre id="derive-geometry">'):end]))
    requests = _requests(netlog)
    if screenshot is not None:
        height = min(int(geometry["height"]) + 20, 16000)
        shotlog = workdir / f"{name}.shot.netlog.json"
        with tempfile.TemporaryDirectory() as profile:
            subprocess.run([browser, *FLAGS, f"--user-data-dir={profile}",
                            f"--log-net-log={shotlog}", f"--window-size={WIDTH},{height}",
                            f"--screenshot={screenshot}", page.as_uri()],
                           capture_output=True, text=True, timeout=120, check=False)
        requests = sorted(set(requests) | set(_requests(shotlog)))
        if first_screen:
            top = screenshot.with_name(screenshot.stem + "-top.png")
            with tempfile.TemporaryDirectory() as profile:
                subprocess.run([browser, *FLAGS, f"--user-data-dir={profile}",
                                f"--log-net-log={shotlog}",
                                f"--window-size={WIDTH},{first_screen}",
                                f"--screenshot={top}", page.as_uri()],
                               capture_output=True, text=True, timeout=120, check=False)
            requests = sorted(set(requests) | set(_requests(shotlog)))
    return {"geometry": geometry, "requests": requests}


def main(argv: list[str]) -> int:
    out = (Path(argv[1]) if len(argv) > 1 else ROOT / "build" / "screenshots").resolve()
    out.mkdir(parents=True, exist_ok=True)
    if chromium() is None:
        print("chromium is not installed (apt-get install chromium)", file=sys.stderr)
        return 2
    for name, make in (("report", report_html), ("notebook", notebook_html)):
        result = load(make(), out, name, screenshot=out / f"{name}.png", first_screen=2700)
        (out / f"{name}.geometry.json").write_text(json.dumps(result, indent=1),
                                                   encoding="utf-8")
        g = result["geometry"]
        print(f"{out / (name + '.png')}: {len(g['maths'])} formulas, {len(g['cells'])} cells, "
              f"{len(result['requests'])} network requests")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
