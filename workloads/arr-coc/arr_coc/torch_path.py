"""The same maths in torch, for GPUs. Optional: import only where torch is installed.

Unlike the NumPy path this computes colour and Sobel features at full 512x512 resolution and
downsamples with F.interpolate, exactly as upstream does, so the parity test also checks the NumPy
path's centre-sampling shortcut. Learned layers reuse the NumPy path's seeded weights.
"""

import numpy as np
import torch
import torch.nn.functional as F

from .texture import CHANNELS, GRID, IMAGE_SIZE, position_channels

_RGB_TO_XYZ = [[0.412453, 0.357580, 0.180423], [0.212671, 0.715160, 0.072169], [0.019334, 0.119193, 0.950227]]
_D65_WHITE = [0.95047, 1.0, 1.08883]
_GRAY_WEIGHTS = [0.299, 0.587, 0.114]


def _downsample(values: torch.Tensor) -> torch.Tensor:
    return F.interpolate(values, size=(GRID, GRID), mode="bilinear", align_corners=False)


def _minmax(values: torch.Tensor) -> torch.Tensor:
    return (values - values.min()) / (values.max() - values.min() + 1e-8)


def rgb_to_lab(rgb: torch.Tensor) -> torch.Tensor:
    """(B, 3, H, W) sRGB in [0, 1] -> (B, 3, H, W) L*a*b*, as kornia.color.rgb_to_lab."""
    linear = torch.where(rgb > 0.04045, ((rgb + 0.055) / 1.055) ** 2.4, rgb / 12.92)
    matrix = torch.tensor(_RGB_TO_XYZ, dtype=rgb.dtype, device=rgb.device)
    white = torch.tensor(_D65_WHITE, dtype=rgb.dtype, device=rgb.device).view(1, 3, 1, 1)
    xyz = torch.einsum("ij,bjhw->bihw", matrix, linear) / white
    threshold = 0.008856
    f = torch.where(xyz > threshold, xyz.clamp(min=threshold) ** (1.0 / 3.0), 7.787 * xyz + 4.0 / 29.0)
    return torch.stack([116.0 * f[:, 1] - 16.0, 500.0 * (f[:, 0] - f[:, 1]), 200.0 * (f[:, 1] - f[:, 2])], dim=1)


def texture_array(images: torch.Tensor) -> torch.Tensor:
    """(B, 3, H, W) in [0, 1] -> (B, 13, 32, 32)."""
    count = images.shape[0]
    x = F.interpolate(images, size=(IMAGE_SIZE, IMAGE_SIZE), mode="bilinear", align_corners=False)
    out = torch.empty(count, CHANNELS, GRID, GRID, dtype=images.dtype, device=images.device)
    out[:, 0:3] = _downsample(x)
    lab = _downsample(rgb_to_lab(x))
    out[:, 3] = lab[:, 0] / 100.0
    out[:, 4] = (lab[:, 1] + 128.0) / 255.0

    gray_weights = torch.tensor(_GRAY_WEIGHTS, dtype=x.dtype, device=x.device).view(1, 3, 1, 1)
    gray = (x * gray_weights).sum(dim=1, keepdim=True)
    padded = F.pad(gray, (1, 1, 1, 1), mode="replicate")
    sobel_x = torch.tensor([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]], dtype=x.dtype, device=x.device) / 8.0
    gx = F.conv2d(padded, sobel_x.view(1, 1, 3, 3))
    gy = F.conv2d(padded, sobel_x.T.contiguous().view(1, 1, 3, 3))
    magnitude = torch.sqrt(gx**2 + gy**2 + 1e-8)
    out[:, 5] = _minmax(_downsample(gx)[:, 0])
    out[:, 6] = _minmax(_downsample(gy)[:, 0])
    out[:, 7] = _minmax(_downsample(magnitude)[:, 0])

    for channel, values in zip((8, 9, 10), position_channels()):
        out[:, channel] = torch.as_tensor(values, dtype=x.dtype, device=x.device)
    out[:, 11] = out[:, 7]
    out[:, 12] = out[:, 3]
    return out


def information_score(textures: torch.Tensor) -> torch.Tensor:
    probs = F.softmax(textures, dim=1)
    return _minmax(-(probs * torch.log(probs + 1e-10)).sum(dim=1))


class TorchRealizer:
    """Relevance maps on a torch device with a RelevanceRealizer's seeded weights."""

    def __init__(self, realizer, device: str = "cpu", dtype: torch.dtype = torch.float64):
        self.device, self.dtype = device, dtype

        def tensor(array):
            return torch.as_tensor(np.asarray(array), dtype=dtype, device=device)

        scorer, balancer = realizer.participatory, realizer.balancer
        self.p_w1, self.p_b1 = tensor(scorer.w1), tensor(scorer.b1)
        self.p_w2, self.p_b2 = tensor(scorer.w2), tensor(scorer.b2)
        self.layers = [(tensor(w), tensor(b)) for w, b in
                       ((balancer.w1, balancer.b1), (balancer.w2, balancer.b2), (balancer.w3, balancer.b3))]

    def participatory(self, textures: torch.Tensor, queries: torch.Tensor) -> torch.Tensor:
        hidden = F.relu(F.conv2d(textures, self.p_w1[:, :, None, None], self.p_b1))
        features = F.normalize(F.conv2d(hidden, self.p_w2[:, :, None, None], self.p_b2), dim=1)
        unit_queries = F.normalize(queries, dim=1)
        return ((features * unit_queries[:, :, None, None]).sum(dim=1) + 1.0) / 2.0

    def balance(self, info, persp, partic, queries):
        def summaries(score_map):
            flat = score_map.flatten(1)
            return torch.stack([flat.mean(1), flat.max(1).values, flat.std(1)], dim=1)

        x = torch.cat([summaries(info), summaries(persp), summaries(partic), queries], dim=1)
        for index, (weight, bias) in enumerate(self.layers):
            x = F.linear(x, weight, bias)
            x = F.relu(x) if index < len(self.layers) - 1 else F.softmax(x, dim=1)
        w = x[:, :, None, None]
        return _minmax(w[:, 0] * info + w[:, 1] * persp + w[:, 2] * partic), x

    @torch.no_grad()
    def relevance_maps(self, images: np.ndarray, queries: np.ndarray) -> dict[str, np.ndarray]:
        """Same contract as RelevanceRealizer.relevance_maps: (B, 512, 512, 3), (B, D) -> NumPy maps."""
        pixels = torch.as_tensor(images, dtype=self.dtype, device=self.device).permute(0, 3, 1, 2)
        query = torch.as_tensor(queries, dtype=self.dtype, device=self.device)
        textures = texture_array(pixels)
        info = information_score(textures)
        persp = textures[:, 7]
        partic = self.participatory(textures, query)
        balanced, weights = self.balance(info, persp, partic, query)
        maps = {"textures": textures, "information": info, "perspectival": persp,
                "participatory": partic, "balanced": balanced, "weights": weights}
        return {name: value.cpu().numpy() for name, value in maps.items()}
