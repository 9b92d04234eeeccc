"""sim.zoo: MNSIM's reference networks as modules and as layer lists from the packaged networks.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
import yaml

from sim.zoo import INPUT_SHAPE, NETWORK_NAMES, get_network, reference_layers

torch.set_num_threads(1)


def test_names_and_input_shape() -> None:
    assert NETWORK_NAMES == ("lenet", "vgg8", "vgg16", "alexnet", "resnet18")
    assert INPUT_SHAPE == (3, 32, 32)


@pytest.mark.parametrize("name", NETWORK_NAMES)
def test_network_forward_shape(name: str) -> None:
    net = get_network(name, num_classes=7).eval()
    with torch.no_grad():
        out = net(torch.randn(2, *INPUT_SHAPE))
    assert out.shape == (2, 7)


def test_unknown_network() -> None:
    with pytest.raises(ValueError, match=r"unknown network 'vgg11'.*lenet, vgg8, vgg16, alexnet, resnet18"):
        get_network("vgg11")
    with pytest.raises(ValueError, match="unknown network"):
        reference_layers("vgg11")


def test_packaged_yaml_matches_test_data(data_dir: Path) -> None:
    import sim.zoo

    packaged = Path(sim.zoo.__file__).parent / "data" / "networks.yaml"
    assert yaml.safe_load(packaged.read_text()) == yaml.safe_load((data_dir / "networks.yaml").read_text())


@pytest.mark.parametrize("name", NETWORK_NAMES)
def test_reference_layers_are_consistent(name: str) -> None:
    layers = reference_layers(name)
    assert [x.index for x in layers] == list(range(len(layers)))
    assert layers[0].inputs == ()
    assert layers[-1].kind == "fc" and layers[-1].out_channels == 10
    for layer in layers:
        assert all(0 <= i < layer.index for i in layer.inputs)
        if layer.kind in ("conv", "pool"):
            h = (layer.input_hw[0] + 2 * layer.padding - layer.kernel) // layer.stride + 1
            assert layer.output_hw == (h, h)
        if layer.kind in ("pool", "element_sum"):
            assert layer.in_channels == layer.out_channels
        for i in layer.inputs:
            assert layers[i].output_hw == layer.input_hw or layer.kind == "fc"


def test_reference_layers_counts_and_golden_values() -> None:
    counts = {n: [x.kind for x in reference_layers(n)] for n in NETWORK_NAMES}
    assert {n: (k.count("conv"), k.count("fc"), k.count("pool"), k.count("element_sum")) for n, k in counts.items()} == {
        "lenet": (3, 2, 2, 0),
        "vgg8": (7, 1, 4, 0),
        "vgg16": (13, 1, 4, 0),
        "alexnet": (5, 2, 3, 0),
        "resnet18": (20, 2, 1, 8),
    }
    vgg8 = reference_layers("vgg8")
    assert (vgg8[9].input_hw, vgg8[9].output_hw, vgg8[9].padding) == ((4, 4), (2, 2), 0)
    assert (vgg8[11].in_channels, vgg8[11].inputs) == (1024, (10,))
    alex = reference_layers("alexnet")
    assert (alex[0].stride, alex[0].output_hw) == (2, (16, 16))
    res = reference_layers("resnet18")
    # relative offsets [-1, -3] / [-1, -2] / [-3] become absolute indices
    assert (res[4].inputs, res[7].inputs, res[10].inputs, res[11].inputs) == ((3, 1), (6, 4), (7,), (10, 9))
    assert (res[10].in_channels, res[10].out_channels, res[10].input_hw, res[10].output_hw) == (
        64, 128, (16, 16), (8, 8),
    )  # fmt: skip
    assert (res[28].output_hw, res[29].in_channels) == ((2, 2), 2048)


def test_reference_layers_bits_and_fresh_lists() -> None:
    a = reference_layers("lenet", weight_bits=4, act_bits=6)
    assert {(x.weight_bits, x.act_bits) for x in a} == {(4, 6)}
    b = reference_layers("lenet")
    b.clear()
    assert len(reference_layers("lenet")) == 7
