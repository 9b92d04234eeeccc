"""AnalogModel: lossless equality with the digital reference, ADC monotonicity, noise determinism, no side effects."""

from __future__ import annotations

import copy
from collections.abc import Callable

import pytest
import torch
from torch import nn

from sim.accuracy import AnalogModel, fold_batchnorm
from sim.config import SimConfig
from sim.slicing import slicing_for
from sim.zoo import get_network

CELLS_POLARITY = [(c, p) for p in (1, 2) for c in (1, 2, 4)]


def _analog(net: nn.Module, cfg: SimConfig, **kw: object) -> AnalogModel:
    return AnalogModel(net, cfg, slicing_for(cfg), **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("cell_bits,polarity", CELLS_POLARITY)
@pytest.mark.parametrize("name", ["lenet", "tiny_resnet"])
def test_ideal_adc_reproduces_origin(name: str, cell_bits: int, polarity: int, make_cfg: Callable[..., SimConfig],
                                     randomize: Callable[[nn.Module, int], nn.Module],
                                     tiny_resnet: nn.Module, images: Callable[[int, int], torch.Tensor]) -> None:
    """Lossless ADC: the bit-sliced forward equals the quantized reference exactly (float64 accumulation)."""
    net = tiny_resnet if name == "tiny_resnet" else randomize(get_network(name), 0)
    cfg = make_cfg(cell_bits=cell_bits, polarity=polarity)
    am = _analog(net, cfg, adc_mode="IDEAL", dtype=torch.float64)
    x = images(4, 1)
    origin = am.origin_forward(x)
    hardware = am.hardware_forward(x)
    assert torch.equal(hardware, origin)
    assert torch.equal(hardware.argmax(1), origin.argmax(1))


@pytest.mark.parametrize("cell_bits,polarity", CELLS_POLARITY)
def test_ideal_adc_reproduces_origin_vgg8(cell_bits: int, polarity: int, make_cfg: Callable[..., SimConfig],
                                          randomize: Callable[[nn.Module, int], nn.Module],
                                          images: Callable[[int, int], torch.Tensor]) -> None:
    """vgg8 (float32, the default dtype): logits equal up to float rounding, identical top-1."""
    am = _analog(randomize(get_network("vgg8"), 0), make_cfg(cell_bits=cell_bits, polarity=polarity),
                 adc_mode="IDEAL")
    x = images(2, 2)
    origin = am.origin_forward(x)
    hardware = am.hardware_forward(x)
    torch.testing.assert_close(hardware, origin, rtol=1e-5, atol=1e-6)
    assert torch.equal(hardware.argmax(1), origin.argmax(1))


def test_ideal_adc_reproduces_origin_resnet18(base_cfg: SimConfig, randomize: Callable[[nn.Module, int], nn.Module],
                                              images: Callable[[int, int], torch.Tensor]) -> None:
    """MNSIM's resnet18 (residual sums before convolutions): no re-quantization gap (MNSIM keeps ~19 %)."""
    am = _analog(randomize(get_network("resnet18"), 0), base_cfg, adc_mode="IDEAL")
    x = images(2, 12)
    torch.testing.assert_close(am.hardware_forward(x), am.origin_forward(x), rtol=1e-5, atol=1e-6)


def test_fix_adc_with_enough_bits_is_lossless(make_cfg: Callable[..., SimConfig], tiny_resnet: nn.Module,
                                              images: Callable[[int, int], torch.Tensor]) -> None:
    """FIX range, 1-bit DAC x 1-bit cells x 256 rows: Rg = 256; a 10-bit ADC resolves every partial sum."""
    cfg = make_cfg(adc_bits=10, adc_mode="FIX")
    am = _analog(tiny_resnet, cfg, dtype=torch.float64)
    x = images(4, 3)
    assert torch.equal(am.hardware_forward(x), am.origin_forward(x))


def test_scale_adc_is_lossy_and_fewer_bits_never_help(make_cfg: Callable[..., SimConfig],
                                                      randomize: Callable[[nn.Module, int], nn.Module],
                                                      images: Callable[[int, int], torch.Tensor]) -> None:
    net = randomize(get_network("lenet"), 0)
    x = images(16, 4)
    errors = []
    for bits in (4, 6, 8, 10):
        am = _analog(net, make_cfg(adc_bits=bits))
        am.calibrate(x)
        errors.append(float((am.hardware_forward(x) - am.origin_forward(x)).abs().mean()))
    assert errors[0] > 0.0
    assert all(a >= b for a, b in zip(errors, errors[1:])), errors


def test_default_config_runs_resnet18(base_cfg: SimConfig, randomize: Callable[[nn.Module, int], nn.Module],
                                      images: Callable[[int, int], torch.Tensor]) -> None:
    """MNSIM's reference network with a residual path, default SCALE ADC: close to the reference, deterministic."""
    am = _analog(randomize(get_network("resnet18"), 0), base_cfg)
    x = images(2, 5)
    ref = am.origin_forward(x)
    h1 = am.hardware_forward(x)
    h2 = am.hardware_forward(x)
    assert torch.equal(h1, h2)
    assert h1.shape == ref.shape == (2, 10)
    assert torch.isfinite(h1).all()


def test_noise_seeds(make_cfg: Callable[..., SimConfig], tiny_resnet: nn.Module,
                     images: Callable[[int, int], torch.Tensor]) -> None:
    am = _analog(tiny_resnet, make_cfg(variation=5.0, saf=(1.0, 1.0)))
    x = images(4, 6)
    ideal_1 = am.hardware_forward(x)
    a = am.hardware_forward(x, variation=True, saf=True, seed=3)
    ideal_2 = am.hardware_forward(x)
    b = am.hardware_forward(x, variation=True, saf=True, seed=3)
    c = am.hardware_forward(x, variation=True, saf=True, seed=4)
    v = am.hardware_forward(x, variation=True, seed=3)
    assert torch.equal(ideal_1, ideal_2)  # noise does not leak into the ideal path
    assert torch.equal(a, b)  # same seed, same chip
    assert not torch.equal(a, c)  # another seed, another chip
    assert not torch.equal(a, v) and not torch.equal(v, ideal_1)


@pytest.mark.parametrize("name", ["lenet", "tiny_resnet"])
def test_all_cells_stuck_at_hrs_erase_the_input(name: str, make_cfg: Callable[..., SimConfig],
                                                randomize: Callable[[nn.Module, int], nn.Module],
                                                tiny_resnet: nn.Module,
                                                images: Callable[[int, int], torch.Tensor]) -> None:
    """Device_SAF = 100,0: every cell at HRS, positive and negative arrays cancel: logits independent of input."""
    net = tiny_resnet if name == "tiny_resnet" else randomize(get_network(name), 0)
    am = _analog(net, make_cfg(saf=(100.0, 0.0)))
    x = images(4, 7)
    am.calibrate(x)
    out = am.hardware_forward(x, saf=True, seed=0)
    assert torch.equal(out, out[:1].expand_as(out))
    assert not torch.equal(am.origin_forward(x)[0], am.origin_forward(x)[1])


def test_caller_model_is_never_modified(base_cfg: SimConfig, tiny_resnet: nn.Module,
                                        images: Callable[[int, int], torch.Tensor]) -> None:
    tiny_resnet.train()
    before = copy.deepcopy(tiny_resnet.state_dict())
    x = images(4, 8)
    am = _analog(tiny_resnet, base_cfg)
    am.origin_forward(x)
    am.hardware_forward(x)
    am.hardware_forward(x, variation=True, saf=True, seed=1)
    am.calibrate(x)
    after = tiny_resnet.state_dict()
    assert before.keys() == after.keys()
    assert all(torch.equal(before[k], after[k]) for k in before)
    assert tiny_resnet.training
    assert all(type(m) is not type(am.layers[0]) for m in tiny_resnet.modules())


def test_auto_calibration_and_batchnorm_folding(base_cfg: SimConfig, tiny_resnet: nn.Module,
                                                images: Callable[[int, int], torch.Tensor]) -> None:
    x = images(4, 9)
    am = _analog(tiny_resnet, base_cfg)
    assert not am.calibrated
    am.origin_forward(x)
    assert am.calibrated
    assert am.folded_batchnorms == 6
    assert len(am.layers) == 8
    tiny_resnet.eval()
    with torch.no_grad():
        torch.testing.assert_close(am.float_forward(x), tiny_resnet(x), rtol=1e-4, atol=1e-5)


def test_fold_batchnorm_skips_shared_and_preceding() -> None:
    """A BatchNorm before a conv (pre-activation) or after a conv used twice is not folded."""

    class Pre(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bn = nn.BatchNorm2d(3)
            self.conv = nn.Conv2d(3, 4, 3)
            self.bn2 = nn.BatchNorm2d(4)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            y = self.conv(self.bn(x))
            return self.bn2(y) + y

    net = Pre().eval()
    assert fold_batchnorm(net) == 0
    assert isinstance(net.bn, nn.BatchNorm2d) and isinstance(net.bn2, nn.BatchNorm2d)


def test_origin_is_a_quantized_version_of_float(base_cfg: SimConfig, tiny_resnet: nn.Module,
                                                images: Callable[[int, int], torch.Tensor]) -> None:
    x = images(8, 10)
    am = _analog(tiny_resnet, base_cfg)
    ref = am.float_forward(x)
    err = (am.origin_forward(x) - ref).abs().max() / ref.abs().max()
    assert 0.0 < float(err) < 0.1


def test_rejects_unknown_adc_mode(base_cfg: SimConfig, tiny_resnet: nn.Module) -> None:
    with pytest.raises(ValueError, match="ADC mode"):
        _analog(tiny_resnet, base_cfg, adc_mode="LOG")


@pytest.mark.gpu
def test_runs_on_cuda(base_cfg: SimConfig, tiny_resnet: nn.Module,
                      images: Callable[[int, int], torch.Tensor]) -> None:
    x = images(4, 11)
    cpu = _analog(tiny_resnet, base_cfg, adc_mode="IDEAL", dtype=torch.float64)
    am = _analog(tiny_resnet, base_cfg, adc_mode="IDEAL", dtype=torch.float64)
    out = am.hardware_forward(x.cuda())
    assert out.device.type == "cuda"
    assert torch.equal(out.cpu(), cpu.hardware_forward(x))
    assert torch.equal(am.origin_forward(x.cuda()), out)
