"""The query vector the participatory scorer and the balancer read.

Upstream mean-pools Qwen3-VL's token embeddings (embed_tokens) over the question; no transformer
layer runs. Two sources here, chosen by what is on disk:
  * EmbeddingTableQuery: the same mean over the model's own embedding table and tokenizer, read from
    local files (MODEL_PATH) when they are there and the `tokenizers` package is installed;
  * HashedQuery (default): a deterministic stand-in, one fixed random vector per lower-cased word,
    so the app and CI need no model files and no network.
"""

import hashlib
import json
import logging
import re
from pathlib import Path

import numpy as np

QUERY_DIM = 2048  # Qwen3-VL-2B text hidden size
_EMBEDDING_SCALE = 0.02  # typical magnitude of an LLM embedding entry
_WORD = re.compile(r"\w+", re.UNICODE)
_EMBED_KEY_SUFFIX = "embed_tokens.weight"
log = logging.getLogger(__name__)


class HashedQuery:
    """Mean of per-word vectors drawn from a generator seeded by the word's hash."""

    def __init__(self, dim: int = QUERY_DIM):
        self.dim = dim

    def token_vector(self, token: str) -> np.ndarray:
        digest = hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest()
        rng = np.random.default_rng(int.from_bytes(digest, "little"))
        return rng.standard_normal(self.dim) * _EMBEDDING_SCALE

    def encode(self, question: str) -> np.ndarray:
        tokens = _WORD.findall((question or "").lower()) or [""]
        return np.mean([self.token_vector(token) for token in tokens], axis=0)


def read_safetensors_tensor(path: Path, name_suffix: str) -> np.ndarray:
    """Memory-map one tensor of a .safetensors file (BF16 comes back as its raw uint16 bits).

    Parsed by hand (8-byte header length, JSON header, raw data) so no torch or safetensors is needed.
    """
    with open(path, "rb") as handle:
        header_len = int.from_bytes(handle.read(8), "little")
        header = json.loads(handle.read(header_len))
    name = next((key for key in header if key.endswith(name_suffix)), None)
    if name is None:
        raise KeyError(f"no tensor ending in {name_suffix!r} in {path}")
    meta = header[name]
    start, end = meta["data_offsets"]
    offset = 8 + header_len + start
    dtypes = {"F32": np.float32, "F16": np.float16, "BF16": np.uint16}
    # Left as stored: EmbeddingTableQuery widens only the rows it reads (the whole table would be
    # 1.2 GB as float32).
    raw = np.memmap(path, dtype=dtypes[meta["dtype"]], mode="r", offset=offset, shape=tuple(meta["shape"]))
    if raw.nbytes != end - start:
        raise ValueError(f"{name}: header says {end - start} bytes, shape and dtype give {raw.nbytes}")
    return raw


def bf16_to_float32(values: np.ndarray) -> np.ndarray:
    return (values.astype(np.uint32) << 16).view(np.float32)


class EmbeddingTableQuery:
    """Mean of the model's own token embeddings, as upstream's extract_query_embedding."""

    def __init__(self, model_path: Path):
        from tokenizers import Tokenizer  # optional dependency, present where transformers is

        self.tokenizer = Tokenizer.from_file(str(model_path / "tokenizer.json"))
        for shard in sorted(model_path.glob("*.safetensors")):
            with open(shard, "rb") as handle:
                header = json.loads(handle.read(int.from_bytes(handle.read(8), "little")))
            if any(key.endswith(_EMBED_KEY_SUFFIX) for key in header):
                self.table = read_safetensors_tensor(shard, _EMBED_KEY_SUFFIX)
                self.is_bf16 = self.table.dtype == np.uint16
                break
        else:
            raise FileNotFoundError(f"no {_EMBED_KEY_SUFFIX} in {model_path}")
        self.dim = self.table.shape[1]

    def encode(self, question: str) -> np.ndarray:
        ids = self.tokenizer.encode(question or "").ids or [0]
        rows = np.asarray(self.table[ids])
        rows = bf16_to_float32(rows) if self.is_bf16 else rows.astype(np.float32)
        return rows.astype(np.float64).mean(axis=0)


def query_encoder(model_path: str | None):
    """The embedding-table encoder when its files can be read, else the hashed one."""
    if model_path:
        path = Path(model_path)
        if (path / "tokenizer.json").is_file() and any(path.glob("*.safetensors")):
            try:
                return EmbeddingTableQuery(path)
            except (ImportError, KeyError, FileNotFoundError, ValueError) as error:
                log.warning("embedding table in %s unusable (%s); using hashed query vectors", path, error)
    return HashedQuery()
