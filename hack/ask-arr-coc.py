"""`make demo`'s visitor: asks the ARR-COC Space a question through the gateway with the Hub's own
Python client (gradio_client), as a notebook would ask a Space on the Hub.

    python hack/ask-arr-coc.py URL     (the arr-coc venv's python: workloads/arr-coc/venv.sh)

Browsers and curl resolve any *.localhost name to loopback (RFC 6761); Python's resolver does not, so
this process does the same for *.localhost names only, and never touches another address.
"""
import json
import socket
import sys
import tempfile

import numpy as np
from PIL import Image
from gradio_client import Client, handle_file

_getaddrinfo = socket.getaddrinfo


def _localhost_is_loopback(host, *args, **kwargs):
    if isinstance(host, str) and (host == "localhost" or host.endswith(".localhost")):
        host = "127.0.0.1"
    return _getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = _localhost_is_loopback


def main():
    url = sys.argv[1]
    # A picture with one bright square off-centre: the relevance map should find it.
    pixels = np.full((256, 256, 3), 40, dtype=np.uint8)
    pixels[32:96, 160:224] = (250, 220, 60)
    with tempfile.NamedTemporaryFile(suffix=".png") as png:
        Image.fromarray(pixels).save(png.name)
        client = Client(url, verbose=False)
        answer, heatmap, allocation = client.predict(handle_file(png.name), "Where is the yellow square?",
                                                     64, 400, 0.0, api_name="/predict")
    print(f"  answer:     {answer}")
    print(f"  heatmap:    {Image.open(heatmap).size[0]}x{Image.open(heatmap).size[1]} PNG, fetched through the gateway")
    summary = {k: v for k, v in allocation.items() if k != "budgets"}  # the 1,024 per-patch budgets are in the heatmap
    print(f"  allocation: {json.dumps(summary)}")


if __name__ == "__main__":
    main()
