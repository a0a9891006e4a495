"""The 13-channel texture grid (upstream texture.py), in NumPy.

Upstream resizes the image to 512x512, computes colour and Sobel features at full resolution, then
downsamples 512 -> 32 with bilinear interpolation (align_corners=False, no antialias). At a 16x factor
that interpolation reads exactly the 2x2 pixels at each cell's centre (rows and columns 16c+7, 16c+8,
weight 1/4 each). So only those pixels (and, for Sobel, their 1-pixel neighbours) are computed here:
the result equals the full-resolution computation, at about 1/16 of the cost.

Channels: 0-2 RGB, 3 L*/100, 4 (a*+128)/255, 5 Sobel gx, 6 Sobel gy, 7 Sobel magnitude (5-7 min-max
normalised over the whole batch), 8 y, 9 x, 10 eccentricity, 11 = 7, 12 = 3 (upstream's duplicates).
"""

import numpy as np
from PIL import Image

GRID = 32
IMAGE_SIZE = 512
CELL = IMAGE_SIZE // GRID  # 16 pixels per cell side
CHANNELS = 13

# kornia rgb_to_lab constants (sRGB, D65)
_RGB_TO_XYZ = np.array(
    [
        [0.412453, 0.357580, 0.180423],
        [0.212671, 0.715160, 0.072169],
        [0.019334, 0.119193, 0.950227],
    ]
)
_D65_WHITE = np.array([0.95047, 1.0, 1.08883])
_GRAY_WEIGHTS = np.array([0.299, 0.587, 0.114])
_MINMAX_EPS = 1e-8

# Rows/columns 16c+6 .. 16c+9 of every cell: the 2x2 centre plus the ring Sobel needs.
# 16*31+9 = 505 < 512, so replicate padding is never reached and no padding is needed.
_SAMPLE_INDEX = (CELL * np.arange(GRID)[:, None] + np.arange(CELL // 2 - 2, CELL // 2 + 2)).ravel()


def prepare_image(image) -> np.ndarray:
    """PIL image or HxWx3 array -> float64 array (512, 512, 3) in [0, 1].

    Upstream uses torchvision Resize((512, 512)) on the PIL image, which is PIL's bilinear resize.
    """
    if isinstance(image, np.ndarray):
        array = image
        if array.dtype != np.uint8:
            array = np.clip(array, 0.0, 1.0)
            if array.shape[:2] == (IMAGE_SIZE, IMAGE_SIZE):
                return array[..., :3].astype(np.float64)
            array = (array * 255.0 + 0.5).astype(np.uint8)
        image = Image.fromarray(array[..., :3])
    image = image.convert("RGB")
    if image.size != (IMAGE_SIZE, IMAGE_SIZE):
        image = image.resize((IMAGE_SIZE, IMAGE_SIZE), Image.BILINEAR)
    return np.asarray(image, dtype=np.float64) / 255.0


def rgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """sRGB in [0, 1] (..., 3) -> CIE L*a*b* (..., 3), as kornia.color.rgb_to_lab."""
    linear = np.where(rgb > 0.04045, ((rgb + 0.055) / 1.055) ** 2.4, rgb / 12.92)
    xyz = (linear @ _RGB_TO_XYZ.T) / _D65_WHITE
    threshold = 0.008856
    f = np.where(xyz > threshold, np.cbrt(np.maximum(xyz, threshold)), 7.787 * xyz + 4.0 / 29.0)
    lightness = 116.0 * f[..., 1] - 16.0
    a = 500.0 * (f[..., 0] - f[..., 1])
    b = 200.0 * (f[..., 1] - f[..., 2])
    return np.stack([lightness, a, b], axis=-1)


def _minmax(values: np.ndarray) -> np.ndarray:
    return (values - values.min()) / (values.max() - values.min() + _MINMAX_EPS)


def position_channels(grid: int = GRID) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(y, x, eccentricity), each (grid, grid); eccentricity is distance to the centre over its max."""
    coords = np.linspace(0.0, 1.0, grid)
    y, x = np.meshgrid(coords, coords, indexing="ij")
    eccentricity = np.sqrt((y - 0.5) ** 2 + (x - 0.5) ** 2)
    return y, x, eccentricity / eccentricity.max()


def texture_array(images: np.ndarray) -> np.ndarray:
    """(B, 512, 512, 3) or (512, 512, 3) floats in [0, 1] -> (B, 13, 32, 32) or (13, 32, 32)."""
    single = images.ndim == 3
    batch = images[None] if single else images
    if batch.shape[1:] != (IMAGE_SIZE, IMAGE_SIZE, 3):
        raise ValueError(f"expected (B, {IMAGE_SIZE}, {IMAGE_SIZE}, 3), got {images.shape}")
    count = batch.shape[0]

    # (B, 32, 4, 32, 4, 3): per cell, the 4x4 pixels around its centre.
    samples = batch[:, _SAMPLE_INDEX][:, :, _SAMPLE_INDEX].reshape(count, GRID, 4, GRID, 4, 3)
    centre = samples[:, :, 1:3, :, 1:3]  # the 2x2 pixels bilinear interpolation averages

    def cell_mean(values):  # (B, 32, 2, 32, 2) -> (B, 32, 32)
        return values.mean(axis=(2, 4))

    textures = np.empty((count, CHANNELS, GRID, GRID))
    for channel in range(3):
        textures[:, channel] = cell_mean(centre[..., channel])

    lab = rgb_to_lab(centre)
    textures[:, 3] = cell_mean(lab[..., 0]) / 100.0
    textures[:, 4] = (cell_mean(lab[..., 1]) + 128.0) / 255.0

    # Sobel (kornia spatial_gradient, normalized=True: kernel / 8, cross-correlation) on grayscale.
    gray = samples @ _GRAY_WEIGHTS  # (B, 32, 4, 32, 4)
    rows = gray[:, :, 0:2] + 2.0 * gray[:, :, 1:3] + gray[:, :, 2:4]  # vertical [1,2,1] smoothing
    cols = gray[..., 0:2] + 2.0 * gray[..., 1:3] + gray[..., 2:4]  # horizontal [1,2,1] smoothing
    gx = (rows[..., 2:4] - rows[..., 0:2]) / 8.0
    gy = (cols[:, :, 2:4] - cols[:, :, 0:2]) / 8.0
    magnitude = np.sqrt(gx**2 + gy**2 + 1e-8)
    textures[:, 5] = _minmax(cell_mean(gx))
    textures[:, 6] = _minmax(cell_mean(gy))
    textures[:, 7] = _minmax(cell_mean(magnitude))

    y, x, eccentricity = position_channels()
    textures[:, 8] = y
    textures[:, 9] = x
    textures[:, 10] = eccentricity
    textures[:, 11] = textures[:, 7]
    textures[:, 12] = textures[:, 3]
    return textures[0] if single else textures
