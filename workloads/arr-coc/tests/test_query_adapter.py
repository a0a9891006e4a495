"""Query vectors (hashed, and the embedding-table reader) and the allocation as visual input."""

import json

import numpy as np
from PIL import Image

from arr_coc.adapter import load_vlm, patch_crops, tokens_to_side, visual_input
from arr_coc.query import HashedQuery, bf16_to_float32, query_encoder, read_safetensors_tensor


def test_hashed_query_is_deterministic_and_word_based():
    encoder = HashedQuery()
    a = encoder.encode("Where is the cat?")
    assert a.shape == (2048,)
    assert np.array_equal(a, HashedQuery().encode("where IS the cat"))
    assert not np.allclose(a, encoder.encode("where is the dog"))
    expected = np.mean([encoder.token_vector(w) for w in ["where", "is", "the", "cat"]], axis=0)
    assert np.allclose(a, expected)
    assert encoder.encode("").shape == (2048,)


def write_safetensors(path, name, array_bits, dtype, shape):
    data = array_bits.tobytes()
    header = json.dumps({name: {"dtype": dtype, "shape": list(shape), "data_offsets": [0, len(data)]}}).encode()
    path.write_bytes(len(header).to_bytes(8, "little") + header + data)


def test_safetensors_reader_widens_bf16(tmp_path):
    values = np.array([[1.0, -2.5, 0.15625], [3.0, 0.0, -0.5]], dtype=np.float32)
    bf16_bits = (values.view(np.uint32) >> 16).astype(np.uint16)  # these values are exact in bf16
    shard = tmp_path / "model.safetensors"
    write_safetensors(shard, "model.language_model.embed_tokens.weight", bf16_bits, "BF16", values.shape)
    table = read_safetensors_tensor(shard, "embed_tokens.weight")
    assert np.array_equal(bf16_to_float32(np.asarray(table)), values)


def test_query_encoder_falls_back_to_hashed_without_files(tmp_path):
    assert isinstance(query_encoder(None), HashedQuery)
    assert isinstance(query_encoder(str(tmp_path)), HashedQuery)


def test_visual_input_tiles_the_image_most_tokens_first():
    budgets = np.array([[64, 400], [100, 256]])
    requests = visual_input(budgets, (100, 60))
    assert [r.tokens for r in requests] == [400, 256, 100, 64]
    assert requests[0].box == (50, 0, 100, 30) and requests[-1].box == (0, 0, 50, 30)
    area = sum((r.box[2] - r.box[0]) * (r.box[3] - r.box[1]) for r in requests)
    assert area == 100 * 60
    assert requests[0].side == tokens_to_side(400) == 640 and tokens_to_side(64) == 256
    crops = patch_crops(Image.new("RGB", (100, 60)), requests, 2)
    assert [c.size for c in crops] == [(640, 640), (512, 512)]


def test_no_model_means_no_vlm(tmp_path):
    assert load_vlm(None) is None
    assert load_vlm(str(tmp_path)) is None  # no config.json
