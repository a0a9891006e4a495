"""ARR-COC Space: which image patches matter for a question, and how many visual tokens each gets.

Serves Gradio (UI and the /predict API) plus /health on GRADIO_SERVER_NAME:GRADIO_SERVER_PORT.
"""

import os

# Before gradio is imported: no telemetry or version checks, no Hub calls, no Node SSR server.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("GRADIO_SSR_MODE", "false")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
# The pipeline's matrices are small (1024x64): one BLAS thread is ~4x faster than two (bench/RESULTS.md).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import logging  # noqa: E402

import gradio as gr  # noqa: E402
import numpy as np  # noqa: E402
import uvicorn  # noqa: E402
from fastapi import FastAPI  # noqa: E402
from PIL import Image  # noqa: E402

from arr_coc.adapter import fetch_model_if_allowed, load_vlm, visual_input  # noqa: E402
from arr_coc.query import query_encoder  # noqa: E402
from arr_coc.realizing import RelevanceRealizer  # noqa: E402

log = logging.getLogger("arr-coc")

MODEL_PATH = os.environ.get("MODEL_PATH")
MODEL_REPO_ID = os.environ.get("MODEL_REPO_ID")
SPACE_ID = os.environ.get("SPACE_ID", "local")
SPACE_HOST = os.environ.get("SPACE_HOST", "")
ACCELERATOR = os.environ.get("ACCELERATOR", "cpu")

realizer = RelevanceRealizer(seed=int(os.environ.get("ARR_COC_SEED", "0")), query_encoder=query_encoder(MODEL_PATH))
vlm = None  # set in main() when the model's files and a GPU are both present

# A perceptual dark-to-bright ramp (black, purple, orange, yellow) for the heatmap.
_RAMP = np.array([[0, 0, 4], [87, 16, 110], [188, 55, 84], [249, 142, 9], [252, 255, 164]], dtype=np.float64)
HEATMAP_SIDE = 512


def colorize(values: np.ndarray) -> np.ndarray:
    """Values in [0, 1] -> uint8 RGB through _RAMP."""
    position = np.clip(values, 0.0, 1.0) * (len(_RAMP) - 1)
    lower = np.minimum(position.astype(int), len(_RAMP) - 2)
    fraction = (position - lower)[..., None]
    return (_RAMP[lower] * (1 - fraction) + _RAMP[lower + 1] * fraction).astype(np.uint8)


def heatmap(image: Image.Image, budgets: np.ndarray, min_lod: int, max_lod: int) -> Image.Image:
    """Tokens per patch, one colour block per patch, blended over the image."""
    share = (budgets - min_lod) / max(max_lod - min_lod, 1)
    blocks = Image.fromarray(colorize(share)).resize((HEATMAP_SIDE, HEATMAP_SIDE), Image.NEAREST)
    base = image.convert("RGB").resize((HEATMAP_SIDE, HEATMAP_SIDE), Image.BILINEAR)
    return Image.blend(base, blocks, alpha=0.6)


def relevance_only_answer(summary: dict, budgets: np.ndarray, relevance: np.ndarray) -> str:
    row, col = np.unravel_index(int(np.argmax(relevance)), relevance.shape)
    reason = "no MODEL_PATH" if not MODEL_PATH else "the model files or a GPU are missing"
    return (
        f"Relevance only: no vision-language model is loaded ({reason}), so there is no answer text. "
        f"{summary['total_tokens']} visual tokens over {budgets.size} patches "
        f"(high {summary['high']}, medium {summary['medium']}, low {summary['low']}); "
        f"the most relevant patch is row {row}, column {col} of {budgets.shape[0]}x{budgets.shape[1]}."
    )


def predict(image, question, min_lod, max_lod, exploration_weight):
    if image is None:
        raise gr.Error("Please provide an image.")
    min_lod, max_lod = int(min_lod), int(max_lod)
    if min_lod > max_lod:
        raise gr.Error("Min LOD must not exceed Max LOD.")
    question = question or ""
    allocation = realizer.realize(image, question, min_lod, max_lod, float(exploration_weight))
    summary = allocation.summary()
    if vlm is not None:
        answer = vlm.answer(image.convert("RGB"), question, visual_input(allocation.budgets, image.size))
    else:
        answer = relevance_only_answer(summary, allocation.budgets, allocation.relevance)
    return answer, heatmap(image, allocation.budgets, min_lod, max_lod), summary


def build_demo() -> gr.Blocks:
    mode = "vision-language model" if vlm is not None else "relevance only"
    # elem_id: stable ids for the browser test (tests/browser/submit_image.py), which Gradio puts on each block.
    with gr.Blocks(title="ARR-COC", analytics_enabled=False) as demo:
        gr.Markdown(
            "# ARR-COC: adaptive relevance realisation\n"
            "Scores every patch of a 32x32 grid for relevance to your question and gives relevant "
            "patches more visual tokens.\n\n"
            f"Space `{SPACE_ID}` · hardware `{ACCELERATOR}` · mode: {mode}"
            + (f" · model `{MODEL_REPO_ID}`" if MODEL_REPO_ID else "")
            + (f" · served at https://{SPACE_HOST}" if SPACE_HOST else ""),
            elem_id="arr-coc-header",
        )
        with gr.Row():
            with gr.Column():
                image = gr.Image(type="pil", label="Image", elem_id="arr-coc-image")
                question = gr.Textbox(label="Question", value="What is in the centre of the image?",
                                      elem_id="arr-coc-question")
                min_lod = gr.Slider(64, 128, value=64, step=1, label="Min LOD (tokens per patch)")
                max_lod = gr.Slider(256, 400, value=400, step=1, label="Max LOD (tokens per patch)")
                exploration = gr.Slider(0.0, 1.0, value=0.0, step=0.05, label="Exploration weight (exploit 0 to explore 1)")
                run = gr.Button("Realize relevance", variant="primary", elem_id="arr-coc-run")
            with gr.Column():
                answer = gr.Textbox(label="Answer", elem_id="arr-coc-answer")
                relevance = gr.Image(type="pil", label="Tokens per patch", elem_id="arr-coc-heatmap")
                allocation = gr.JSON(label="Token allocation", elem_id="arr-coc-allocation")
        run.click(predict, [image, question, min_lod, max_lod, exploration], [answer, relevance, allocation],
                  api_name="predict")
    return demo


def create_app() -> FastAPI:
    server_name = os.environ.get("GRADIO_SERVER_NAME", "0.0.0.0")
    server_port = int(os.environ.get("GRADIO_SERVER_PORT", "7860"))
    app = FastAPI()

    @app.get("/health")
    def health():  # registered before the mount at "/" so Gradio does not shadow it
        return {"status": "ok", "mode": "vlm" if vlm is not None else "relevance-only"}

    # root_path comes from GRADIO_ROOT_PATH when a gateway serves the app under a prefix; the public
    # host and scheme come from X-Forwarded-Host / X-Forwarded-Proto (uvicorn proxy_headers below).
    return gr.mount_gradio_app(app, build_demo(), path="/", server_name=server_name,
                               server_port=server_port, ssr_mode=False, footer_links=["api"])


def main() -> None:
    global vlm
    logging.basicConfig(level=logging.INFO)
    fetch_model_if_allowed(MODEL_PATH, MODEL_REPO_ID)
    vlm = load_vlm(MODEL_PATH)
    uvicorn.run(
        create_app(),
        host=os.environ.get("GRADIO_SERVER_NAME", "0.0.0.0"),
        port=int(os.environ.get("GRADIO_SERVER_PORT", "7860")),
        proxy_headers=True,
        forwarded_allow_ips=os.environ.get("FORWARDED_ALLOW_IPS", "*"),
        log_level="info",
    )


if __name__ == "__main__":
    main()
