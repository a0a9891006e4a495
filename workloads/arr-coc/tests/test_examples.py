"""The Space manifests in examples/ use the architecture's field names and reference what exists."""

from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")  # PyYAML comes with gradio

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples"
# The Space's spec fields, as the committed CRD declares them.
_CRD = yaml.safe_load((ROOT / "crds" / "spaces.spaceport.dev.yaml").read_text())
SPACE_FIELDS = set(_CRD["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"])


def documents(name):
    return list(yaml.safe_load_all((EXAMPLES / name).read_text()))


@pytest.mark.parametrize("name,hardware", [("arr-coc-space.yaml", "a10g-small"),
                                           ("arr-coc-cpu-space.yaml", "cpu-basic")])
def test_space_manifest(name, hardware):
    spaces = [d for d in documents(name) if d["kind"] == "Space"]
    assert len(spaces) == 1
    space = spaces[0]
    assert space["apiVersion"] == "spaceport.dev/v1alpha1"
    spec = space["spec"]
    assert set(spec) <= SPACE_FIELDS
    assert spec["sdk"] == "gradio" and spec["hardware"] == hardware and spec["sleepTime"] == "1h"
    assert set(spec["source"]) == {"image"} and ":latest" not in spec["source"]["image"]
    assert "MODEL_REPO_ID" in spec["variables"]


def test_gpu_space_takes_hf_token_from_its_secret():
    docs = documents("arr-coc-space.yaml")
    secret = next(d for d in docs if d["kind"] == "Secret")
    space = next(d for d in docs if d["kind"] == "Space")
    [token] = space["spec"]["secrets"]
    assert token["name"] == "HF_TOKEN"
    assert token["secretRef"]["name"] == secret["metadata"]["name"]
    assert token["secretRef"]["key"] in secret["stringData"]
