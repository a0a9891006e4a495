"""The allocation as the model's visual input, and the optional VLM that reads it.

The guide's "quality adapter" is a learned module that does not exist upstream. What a VLM can take
is pixels, so each patch's token budget becomes a resolution: Qwen-style vision encoders spend one
token per 32x32 pixels (16-pixel patches merged 2x2), so a patch with b tokens is resampled to a
square of side 32 * sqrt(b) pixels. The VLM then reads the whole image plus the most relevant patches
at their own level of detail.
"""

import logging
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

PIXELS_PER_TOKEN_SIDE = 32
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PatchRequest:
    row: int
    col: int
    box: tuple[int, int, int, int]  # (left, top, right, bottom) in the original image's pixels
    tokens: int
    side: int  # pixels per side the patch is resampled to


def tokens_to_side(tokens: int) -> int:
    return int(round(PIXELS_PER_TOKEN_SIDE * math.sqrt(tokens)))


def visual_input(budgets: np.ndarray, image_size: tuple[int, int]) -> list[PatchRequest]:
    """Budgets (G, G) and the image's (width, height) -> one request per patch, most tokens first."""
    rows, cols = budgets.shape
    width, height = image_size
    requests = []
    for row in range(rows):
        for col in range(cols):
            box = (col * width // cols, row * height // rows, (col + 1) * width // cols, (row + 1) * height // rows)
            tokens = int(budgets[row, col])
            requests.append(PatchRequest(row, col, box, tokens, tokens_to_side(tokens)))
    requests.sort(key=lambda request: (-request.tokens, request.row, request.col))
    return requests


def patch_crops(image: Image.Image, requests: list[PatchRequest], limit: int) -> list[Image.Image]:
    """The first `limit` patches cut out and resampled to their level of detail."""
    return [image.crop(r.box).resize((r.side, r.side), Image.BICUBIC) for r in requests[:limit]]


def model_files_present(model_path: str | None) -> bool:
    return bool(model_path) and (Path(model_path) / "config.json").is_file()


def gpu_available() -> bool:
    try:
        import torch
    except ImportError:
        return False
    return torch.cuda.is_available()


class VisionLanguageModel:
    """Qwen3-VL (or any image-text-to-text model) loaded from local files only."""

    detail_crops = 4  # most relevant patches shown to the model besides the whole image

    def __init__(self, model_path: str):
        import torch
        from transformers import AutoModelForImageTextToText, AutoProcessor

        self.processor = AutoProcessor.from_pretrained(model_path, local_files_only=True)
        self.model = AutoModelForImageTextToText.from_pretrained(
            model_path, local_files_only=True, torch_dtype=torch.bfloat16
        ).to("cuda")

    def answer(self, image: Image.Image, question: str, requests: list[PatchRequest]) -> str:
        crops = patch_crops(image, requests, self.detail_crops)
        content = [{"type": "image", "image": picture} for picture in [image, *crops]]
        content.append({"type": "text", "text": question})
        inputs = self.processor.apply_chat_template(
            [{"role": "user", "content": content}], tokenize=True, add_generation_prompt=True,
            return_dict=True, return_tensors="pt",
        ).to(self.model.device)
        output = self.model.generate(**inputs, max_new_tokens=128)
        prompt_length = inputs["input_ids"].shape[1]
        return self.processor.batch_decode(output[:, prompt_length:], skip_special_tokens=True)[0].strip()


def fetch_model_if_allowed(model_path: str | None, repo_id: str | None) -> None:
    """Download repo_id into model_path once, only on a GPU with the Hub explicitly allowed.

    Tests and CPU Spaces never reach the network: HF_HUB_OFFLINE=1 (the image's default) stops this.
    """
    if not (model_path and repo_id) or model_files_present(model_path):
        return
    if os.environ.get("HF_HUB_OFFLINE", "1") == "1" or not gpu_available():
        return
    from huggingface_hub import snapshot_download

    log.info("downloading %s to %s", repo_id, model_path)
    snapshot_download(repo_id, local_dir=model_path, token=os.environ.get("HF_TOKEN") or None)


def load_vlm(model_path: str | None):
    """The VLM when its files and a GPU are both here, else None (the app then is relevance-only)."""
    if not (model_files_present(model_path) and gpu_available()):
        return None
    try:
        return VisionLanguageModel(model_path)
    except Exception:  # a broken model directory must not stop the relevance demo
        log.exception("could not load the model from %s; serving relevance only", model_path)
        return None
