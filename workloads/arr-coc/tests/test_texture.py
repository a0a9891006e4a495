"""The 13 texture channels against their definitions, and against a full-resolution reference."""

import numpy as np
import pytest
from PIL import Image

from arr_coc.texture import prepare_image, rgb_to_lab, texture_array


def bilinear_matrix(source: int, target: int) -> np.ndarray:
    """torch F.interpolate(mode='bilinear', align_corners=False, antialias=False) as a matrix."""
    matrix = np.zeros((target, source))
    scale = source / target
    for out in range(target):
        position = max((out + 0.5) * scale - 0.5, 0.0)
        low = int(np.floor(position))
        high = min(low + 1, source - 1)
        weight = position - low
        matrix[out, low] += 1.0 - weight
        matrix[out, high] += weight
    return matrix


def reference_textures(image: np.ndarray) -> np.ndarray:
    """Upstream's recipe at full resolution: features on 512x512, then bilinear 512 -> 32."""
    down = bilinear_matrix(512, 32)

    def shrink(values):
        return down @ values @ down.T

    def minmax(values):
        return (values - values.min()) / (values.max() - values.min() + 1e-8)

    lab = rgb_to_lab(image)
    gray = image @ np.array([0.299, 0.587, 0.114])
    padded = np.pad(gray, 1, mode="edge")
    kernel_x = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]) / 8.0
    gx = sum(kernel_x[i, j] * padded[i:i + 512, j:j + 512] for i in range(3) for j in range(3))
    gy = sum(kernel_x.T[i, j] * padded[i:i + 512, j:j + 512] for i in range(3) for j in range(3))
    out = np.zeros((13, 32, 32))
    for c in range(3):
        out[c] = shrink(image[..., c])
    out[3] = shrink(lab[..., 0]) / 100.0
    out[4] = (shrink(lab[..., 1]) + 128.0) / 255.0
    out[5] = minmax(shrink(gx))
    out[6] = minmax(shrink(gy))
    out[7] = minmax(shrink(np.sqrt(gx**2 + gy**2 + 1e-8)))
    coords = np.linspace(0, 1, 32)
    out[8], out[9] = np.meshgrid(coords, coords, indexing="ij")
    ecc = np.sqrt((out[8] - 0.5) ** 2 + (out[9] - 0.5) ** 2)
    out[10] = ecc / ecc.max()
    out[11], out[12] = out[7], out[3]
    return out


def test_matches_full_resolution_reference(scene_image):
    np.testing.assert_allclose(texture_array(scene_image), reference_textures(scene_image), atol=1e-12)


def test_random_noise_matches_reference():
    noise = np.random.default_rng(3).random((512, 512, 3))
    np.testing.assert_allclose(texture_array(noise), reference_textures(noise), atol=1e-12)


def test_constant_colour_gives_its_rgb_and_lab():
    # Reference CIE values for sRGB primaries under D65 (L*, a*).
    cases = {(1.0, 1.0, 1.0): (100.0, 0.0), (1.0, 0.0, 0.0): (53.24, 80.09), (0.0, 1.0, 0.0): (87.73, -86.18)}
    for rgb, (lightness, a) in cases.items():
        textures = texture_array(np.broadcast_to(np.array(rgb), (512, 512, 3)).copy())
        for c in range(3):
            assert np.allclose(textures[c], rgb[c])
        assert np.allclose(textures[3], lightness / 100.0, atol=5e-4)
        assert np.allclose(textures[4], (a + 128.0) / 255.0, atol=5e-4)
        # Flat image: no gradient anywhere, so every Sobel channel normalises to 0.
        assert np.all(textures[5:8] == 0.0)


def vertical_step(column: int) -> np.ndarray:
    image = np.zeros((512, 512, 3))
    image[:, column:] = 1.0
    return image


def test_step_edge_on_a_sampled_column_lights_exactly_that_cell_column():
    # Cell 10 samples pixel columns 167 and 168; a dark -> bright step there is a positive x gradient.
    textures = texture_array(vertical_step(168))
    expected = np.zeros((32, 32))
    expected[:, 10] = 1.0
    assert np.allclose(textures[5], expected)  # gx, normalised
    assert np.allclose(textures[7], expected)  # magnitude, normalised
    assert np.all(textures[6] == 0.0)  # no y gradient
    assert np.array_equal(textures[11], textures[7])


def test_step_between_cell_centres_is_invisible_as_upstream():
    # Bilinear 16x downsampling only reads each cell's centre pixels; an edge at column 256 falls
    # between centres (247/248 and 263/264), so upstream's aliasing hides it. We keep that.
    textures = texture_array(vertical_step(256))
    assert np.all(textures[5:8] == 0.0)


def test_horizontal_step_is_a_y_gradient():
    textures = texture_array(vertical_step(168).transpose(1, 0, 2).copy())
    expected = np.zeros((32, 32))
    expected[10, :] = 1.0
    assert np.allclose(textures[6], expected)
    assert np.all(textures[5] == 0.0)


def test_position_and_eccentricity_channels(scene_image):
    textures = texture_array(scene_image)
    coords = np.linspace(0, 1, 32)
    assert np.allclose(textures[8], coords[:, None])
    assert np.allclose(textures[9], coords[None, :])
    assert textures[10][0, 0] == pytest.approx(1.0)
    assert textures[10].min() == pytest.approx(np.sqrt(2) * (0.5 / 31) / np.sqrt(0.5))  # cells nearest the centre
    assert np.array_equal(textures[12], textures[3])


def test_sobel_normalised_over_the_whole_batch():
    batch = np.stack([vertical_step(168), 0.5 * vertical_step(168)])
    textures = texture_array(batch)
    assert textures.shape == (2, 13, 32, 32)
    assert textures[0, 7].max() == pytest.approx(1.0)
    assert 0.45 < textures[1, 7].max() < 0.55  # half the contrast, same scale as image 0


def test_prepare_image_resizes_with_pil_bilinear():
    small = Image.fromarray(np.full((100, 80, 3), 200, dtype=np.uint8))
    prepared = prepare_image(small)
    assert prepared.shape == (512, 512, 3)
    assert np.allclose(prepared, 200 / 255)
    assert prepare_image(np.full((512, 512, 3), 0.25)).max() == 0.25
