"""A visitor in headless Chromium: opens the ARR-COC page at URL, uploads an image, asks a question,
submits, and waits for the heatmap. Prints one JSON line (what the page showed) and saves a screenshot.

    python submit_image.py URL SCREENSHOT [--question TEXT] [--timeout SECONDS]

Exit 0 when the heatmap and the answer appeared; 1 (with "error" in the JSON) when the app reported
an error or they did not appear in time. Runs in the venv of ../../requirements-browser.txt
(Playwright) with Debian's /usr/bin/chromium: nothing is downloaded.

The selectors are the app's elem_ids (app.py), which Gradio puts on each component's block, and
Gradio 6's own markup inside them: the image input's <input type=file>, the textbox's <textarea>,
the output image's <img>, and an error toast [data-testid=toast-body].error.
"""

import argparse
import json
import struct
import sys
import tempfile
import time
import zlib
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
# Root needs --no-sandbox; the closed network needs no background traffic (as Chromium.java).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
HEATMAP_SIDE = 512  # app.HEATMAP_SIDE: the heatmap is always this square


def scene_png(path: Path, size: int = 256) -> None:
    """A small PNG (stdlib only): a dark gradient with one bright square, so relevance has a peak."""
    rows = []
    for y in range(size):
        row = bytearray([0])  # filter type: none
        for x in range(size):
            inside = size // 4 <= x < size // 2 and size // 2 <= y < 3 * size // 4
            row += bytes((250, 230, 40) if inside else (x // 4, y // 4, 60))
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8-bit RGB
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows)))
                     + chunk(b"IEND", b""))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url")
    parser.add_argument("screenshot", type=Path)
    parser.add_argument("--question", default="Where is the yellow square?")
    parser.add_argument("--timeout", type=float, default=60, help="seconds for each step")
    args = parser.parse_args()
    timeout_ms = args.timeout * 1000
    result = {"url": args.url}
    started = time.monotonic()
    args.screenshot.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="arr-coc-browser-") as scratch, sync_playwright() as playwright:
        image = Path(scratch) / "scene.png"
        scene_png(image)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.set_default_timeout(timeout_ms)
        try:
            # A sleeping Space first shows the gateway's waking page, which reloads itself when ready.
            page.goto(args.url)
            result["header"] = page.locator("#arr-coc-header").inner_text()
            page.locator("#arr-coc-image input[type=file]").set_input_files(str(image))
            page.locator("#arr-coc-image img").wait_for()  # the upload's preview: the server has the file
            page.locator("#arr-coc-question textarea").fill(args.question)
            result["loaded_s"] = round(time.monotonic() - started, 2)
            page.locator("#arr-coc-run").click()
            heatmap = page.locator("#arr-coc-heatmap img")
            error = page.locator('[data-testid="toast-body"].error')
            heatmap.or_(error).first.wait_for()
            if error.count():
                result["error"] = "the app reported: " + error.first.inner_text().strip()
            else:
                page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=heatmap.element_handle())
                size = heatmap.evaluate("img => [img.naturalWidth, img.naturalHeight]")
                result["heatmap"] = {"src": heatmap.get_attribute("src"), "width": size[0], "height": size[1]}
                answer = page.locator("#arr-coc-answer textarea")
                page.wait_for_function("area => area.value.length > 0", arg=answer.element_handle())
                result["answer"] = answer.input_value()
                result["submitted_s"] = round(time.monotonic() - started - result["loaded_s"], 2)
        except PlaywrightError as failure:
            result["error"] = str(failure).splitlines()[0]
        finally:
            page.screenshot(path=str(args.screenshot), full_page=True)
            browser.close()
    result["seconds"] = round(time.monotonic() - started, 2)
    ok = "error" not in result and result["heatmap"]["width"] == result["heatmap"]["height"] == HEATMAP_SIDE
    print(json.dumps(result))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
