"""Golden values, computed by hand, for the weight/input slicing and the ADC quantizer."""

from __future__ import annotations

import math

import pytest
import torch

from sim.accuracy import (
    adc_convert,
    fix_alpha,
    scale_alpha,
    shift_coefficients,
    signed_digits,
    weight_cell_arrays,
)
from sim.accuracy.adc import adc_levels


def test_weight_slicing_polarity2_two_bit_cells() -> None:
    w = torch.tensor([5.0, -3.0, 0.0, 255.0, -200.0])
    pos, neg = weight_cell_arrays(w, 4, 2, polarity=2)
    assert neg is not None
    # 5 = 01 01 -> digits (LSB first) 1,1,0,0; 3 -> 3,0,0,0; 255 -> 3,3,3,3; 200 = 11 00 10 00 -> 0,2,0,3
    assert pos.T.tolist() == [[1, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [3, 3, 3, 3], [0, 0, 0, 0]]
    assert neg.T.tolist() == [[0, 0, 0, 0], [3, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 2, 0, 3]]
    coef = shift_coefficients(4, 2, torch.float32)
    assert coef.tolist() == [1.0, 4.0, 16.0, 64.0]
    assert torch.equal(((pos - neg) * coef[:, None]).sum(0), w)


def test_weight_slicing_polarity1_one_bit_cells() -> None:
    w = torch.tensor([6.0, -255.0])
    pos, neg = weight_cell_arrays(w, 9, 1, polarity=1)  # ceil(9 / 1) signed slices, the top one always 0
    assert neg is None
    assert pos.T.tolist() == [[0, 1, 1, 0, 0, 0, 0, 0, 0], [-1] * 8 + [0]]
    assert torch.equal((pos * shift_coefficients(9, 1, torch.float32)[:, None]).sum(0), w)
    with pytest.raises(ValueError):
        weight_cell_arrays(w, 9, 1, polarity=3)


def test_input_slicing_two_bit_dac() -> None:
    a = torch.tensor([[-7.0, 13.0]])
    d = signed_digits(a, 4, 2)  # 7 = 01 11 -> 3,1,0,0; 13 = 11 01 -> 1,3,0,0
    assert d.shape == (4, 1, 2)
    assert d[:, 0, 0].tolist() == [-3, -1, 0, 0]
    assert d[:, 0, 1].tolist() == [1, 3, 0, 0]


def test_scale_alpha_golden() -> None:
    # s_w = 0.01, s_a = 0.02, S = 1, Ci = Cw = 8, d = c = 1, Q = 6, 5 splits: ps = floor(-2 + 0.5 log2 5) = -1,
    # T = ps + Q - 1 = 4, alpha = 0.01 * 0.02 * 2**(7 + 7) * 2**4 = 52.4288
    alpha = scale_alpha(weight_lsb=0.01, input_lsb=0.02, output_range=1.0, input_slices=8, dac_bits=1,
                        weight_slices=8, cell_bits=1, adc_bits=6, n_splits=5)
    assert alpha == pytest.approx(52.4288)
    one = scale_alpha(weight_lsb=0.01, input_lsb=0.02, output_range=1.0, input_slices=8, dac_bits=1,
                      weight_slices=8, cell_bits=1, adc_bits=6, n_splits=1)  # ps = -2
    assert one == pytest.approx(alpha / 2)


def test_fix_alpha_golden() -> None:
    assert fix_alpha(dac_bits=1, cell_bits=1, rows=256, adc_bits=6) == 32 / 256
    assert fix_alpha(dac_bits=2, cell_bits=2, rows=128, adc_bits=8) == pytest.approx(128 / (3 * 3 * 128))


def test_adc_convert_golden() -> None:
    p = torch.tensor([0.0, 1.0, 5.0, 100.0, -100.0, -8.0, 3.0])
    # alpha 0.3, Q = 4: codes clamp(round(p * 0.3), -7, 7) = 0, 0, 2 (1.5 -> 2, half to even), 7, -7, -2, 1 (0.9)
    out = adc_convert(p, 0.3, 4)
    codes = [0, 0, 2, 7, -7, -2, 1]
    assert out.tolist() == pytest.approx([c / 0.3 for c in codes])
    # ties: 2.5 -> 2, -0.5 -> 0 (round half to even)
    assert adc_convert(torch.tensor([5.0, -1.0]), 0.5, 8).tolist() == [4.0, 0.0]
    assert adc_levels(6) == 31
    assert not math.isnan(float(adc_convert(torch.tensor([1.0]), 1.0, 2)[0]))
