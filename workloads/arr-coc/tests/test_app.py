"""Start the real app on a loopback port, check /health, and run one prediction through gradio_client."""

import io
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import numpy as np
import pytest
from PIL import Image

from conftest import NETGUARD, WORKLOAD
from loopback_only import MARKER

HOST = "127.0.0.1"
STARTUP_TIMEOUT_S = 90


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def get(url: str, timeout: float = 5.0) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read()


@pytest.fixture(scope="module")
def app_server(tmp_path_factory):
    port = free_port()
    log_path = tmp_path_factory.mktemp("app") / "app.log"
    env = {
        **os.environ,
        "GRADIO_SERVER_NAME": HOST,
        "GRADIO_SERVER_PORT": str(port),
        "GRADIO_ANALYTICS_ENABLED": "False",
        "GRADIO_SSR_MODE": "false",
        "HF_HUB_OFFLINE": "1",
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "GRADIO_TEMP_DIR": str(tmp_path_factory.mktemp("gradio")),
        "PYTHONPATH": os.pathsep.join([str(NETGUARD), str(WORKLOAD)]),  # NETGUARD: refuse non-loopback
        "SPACE_ID": "demo/arr-coc",
        "SPACE_HOST": "demo-arr-coc.spaces.example",
        "ACCELERATOR": "cpu-basic",
    }
    for name in ("MODEL_PATH", "MODEL_REPO_ID", "HF_TOKEN"):
        env.pop(name, None)
    with open(log_path, "wb") as log:
        process = subprocess.Popen([sys.executable, str(WORKLOAD / "app.py")], cwd=WORKLOAD, env=env,
                                   stdout=log, stderr=subprocess.STDOUT)
    base = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            if process.poll() is not None:
                pytest.fail(f"app exited with {process.returncode}:\n{log_path.read_text()}")
            try:
                get(f"{base}/health", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"no /health within {STARTUP_TIMEOUT_S}s:\n{log_path.read_text()}")
                time.sleep(0.3)
        yield base, log_path
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def test_health(app_server):
    base, _ = app_server
    assert json.loads(get(f"{base}/health")) == {"status": "ok", "mode": "relevance-only"}


def test_forwarded_headers_set_the_public_root(app_server):
    base, _ = app_server
    request = urllib.request.Request(f"{base}/config", headers={
        "X-Forwarded-Host": "demo-arr-coc.spaces.example", "X-Forwarded-Proto": "https"})
    with urllib.request.urlopen(request, timeout=5) as response:
        config = json.loads(response.read())
    assert config["root"] == "https://demo-arr-coc.spaces.example"
    header = json.dumps(config["components"])
    assert "demo/arr-coc" in header and "cpu-basic" in header  # the Hub env vars reach the page


def test_predict_through_gradio_client(app_server, tmp_path):
    from gradio_client import Client, handle_file

    base, log_path = app_server
    picture = np.full((240, 320, 3), 30, dtype=np.uint8)
    picture[60:120, 160:240] = (250, 40, 40)
    image_path = tmp_path / "input.png"
    Image.fromarray(picture).save(image_path)

    client = Client(f"{base}/", verbose=False, analytics_enabled=False, download_files=False,
                    httpx_kwargs={"timeout": 60})
    job = client.submit(handle_file(str(image_path)), "Where is the red box?", 64, 400, 0.25, api_name="/predict")
    answer, heatmap, allocation = job.result(timeout=60)

    assert answer.startswith("Relevance only")
    budgets = np.array(allocation["budgets"])
    assert budgets.shape == (1024,) and budgets.min() >= 64 and budgets.max() <= 400
    assert allocation["total_tokens"] == budgets.sum()
    assert allocation["high"] + allocation["medium"] + allocation["low"] == 1024
    assert allocation["compression_ratio"] == pytest.approx(1024 * 400 / budgets.sum(), rel=1e-3)
    assert allocation["processing_ms"] > 0
    assert heatmap["url"].startswith(f"{base}/")
    with Image.open(io.BytesIO(get(heatmap["url"]))) as shown:
        assert shown.size == (512, 512)
    assert MARKER not in log_path.read_text(), log_path.read_text()


def test_netguard_is_active_in_subprocesses():
    # Proves the "no outbound calls" check above is not vacuous: the same PYTHONPATH refuses them.
    env = {**os.environ, "PYTHONPATH": str(NETGUARD)}
    probe = "import socket; socket.create_connection(('192.0.2.1', 80), timeout=1)"
    result = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode != 0 and MARKER in result.stderr
