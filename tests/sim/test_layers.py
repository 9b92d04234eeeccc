"""extract_layers: parity with MNSIM's reference layer lists, golden sizes, folding, residuals, errors."""

from __future__ import annotations

import dataclasses

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from sim.layers import LayerSpec, UnsupportedLayerError, extract_layers
from sim.zoo import INPUT_SHAPE, NETWORK_NAMES, get_network, reference_layers

torch.set_num_threads(1)


def _unnamed(layers: list[LayerSpec]) -> list[LayerSpec]:
    return [dataclasses.replace(layer, name="") for layer in layers]


@pytest.mark.parametrize("name", NETWORK_NAMES)
def test_zoo_networks_match_mnsim_reference(name: str) -> None:
    got = extract_layers(get_network(name), INPUT_SHAPE)
    want = reference_layers(name)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert dataclasses.replace(g, name=w.name) == w, f"layer {w.index}"


def test_bits_are_recorded_on_every_layer() -> None:
    got = extract_layers(get_network("resnet18"), INPUT_SHAPE, weight_bits=5, act_bits=7)
    assert got == [dataclasses.replace(x, name=g.name) for x, g in zip(reference_layers("resnet18", 5, 7), got)]
    assert {(x.weight_bits, x.act_bits) for x in got} == {(5, 7)}


def test_golden_strided_padded_conv_and_pool() -> None:
    model = nn.Sequential(
        nn.Conv2d(3, 8, kernel_size=5, stride=2, padding=2),  # 33 -> (33 + 4 - 5) // 2 + 1 = 17
        nn.MaxPool2d(3, stride=2, padding=1),  # 17 -> (17 + 2 - 3) // 2 + 1 = 9
        nn.AvgPool2d(3),  # stride defaults to the kernel: 9 -> 3
    )
    conv, maxpool, avgpool = extract_layers(model, (3, 33, 33))
    assert conv == LayerSpec(
        index=0, kind="conv", name="0", in_channels=3, out_channels=8, kernel=5, stride=2, padding=2,
        input_hw=(33, 33), output_hw=(17, 17), inputs=(),
    )  # fmt: skip
    assert maxpool == LayerSpec(
        index=1, kind="pool", name="1", in_channels=8, out_channels=8, kernel=3, stride=2, padding=1,
        input_hw=(17, 17), output_hw=(9, 9), inputs=(0,), pool_mode="max",
    )  # fmt: skip
    assert (avgpool.kernel, avgpool.stride, avgpool.padding, avgpool.output_hw) == (3, 3, 0, (3, 3))
    assert avgpool.pool_mode == "avg"
    assert avgpool.inputs == (1,)


def test_non_square_input_keeps_height_and_width() -> None:
    (conv,) = extract_layers(nn.Conv2d(2, 4, 3, padding=1, stride=2), (2, 10, 6))  # a bare layer works too
    assert (conv.name, conv.input_hw, conv.output_hw) == ("Conv2d", (10, 6), (5, 3))


def test_bn_relu_dropout_flatten_fold_into_conv_and_fc() -> None:
    model = nn.Sequential(
        nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.Dropout(0.5),
        nn.Flatten(), nn.Linear(4 * 8 * 8, 10), nn.ReLU6(), nn.Identity(),
    )  # fmt: skip
    conv, fc = extract_layers(model, (3, 8, 8))
    assert (conv.kind, conv.name, conv.inputs) == ("conv", "0", ())
    assert (fc.kind, fc.name, fc.inputs) == ("fc", "5", (0,))
    assert (fc.in_channels, fc.out_channels, fc.input_hw, fc.output_hw) == (256, 10, (1, 1), (1, 1))
    assert (fc.kernel, fc.stride, fc.padding) == (1, 1, 0)


class _Functional(nn.Module):
    """Only functional pooling/activations/flatten between the hardware layers."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 3, padding=1)
        self.fc = nn.Linear(16, 5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.max_pool2d(F.relu(self.conv(x)), 2)  # 16 -> 8
        x = F.avg_pool2d(x, kernel_size=2, stride=2)  # 8 -> 4
        x = F.adaptive_avg_pool2d(x, 2)  # 4 -> 2
        x = x.mean((2, 3))  # 2 -> 1, global
        return self.fc(torch.flatten(x, 1) * 0.5)


def test_functional_ops() -> None:
    layers = extract_layers(_Functional(), (3, 16, 16))
    assert [x.kind for x in layers] == ["conv", "pool", "pool", "pool", "pool", "fc"]
    assert [(x.kernel, x.stride, x.pool_mode) for x in layers[1:5]] == [
        (2, 2, "max"), (2, 2, "avg"), (2, 2, "avg"), (2, 2, "avg"),
    ]  # fmt: skip
    assert [x.output_hw for x in layers] == [(16, 16), (8, 8), (4, 4), (2, 2), (1, 1), (1, 1)]
    assert [x.inputs for x in layers] == [(), (0,), (1,), (2,), (3,), (4,)]


class _Residual(nn.Module):
    def __init__(self, mode: str) -> None:
        super().__init__()
        self.mode = mode
        self.conv0 = nn.Conv2d(3, 8, 3, padding=1)
        self.conv1 = nn.Conv2d(8, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 8, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = F.relu(self.conv0(x))
        z = self.bn(self.conv1(y))
        if self.mode == "plus":
            s = z + y
        elif self.mode == "torch.add":
            s = torch.add(z, y)
        elif self.mode == "method":
            s = z.add(y)
        else:
            z += y
            s = z
        s = F.relu(s) + 1.0  # activation + constant: folded
        return self.conv2(s)


@pytest.mark.parametrize("mode", ["plus", "torch.add", "method", "iadd"])
def test_residual_add_is_element_sum(mode: str) -> None:
    layers = extract_layers(_Residual(mode), (3, 8, 8))
    assert [x.kind for x in layers] == ["conv", "conv", "element_sum", "conv"]
    add = layers[2]
    assert add.inputs == (1, 0)
    assert (add.in_channels, add.out_channels, add.input_hw, add.output_hw) == (8, 8, (8, 8), (8, 8))
    assert (add.kernel, add.stride, add.padding) == (1, 1, 0)
    assert layers[3].inputs == (2,)


def test_resnet18_names_and_inputs() -> None:
    layers = extract_layers(get_network("resnet18"), INPUT_SHAPE)
    assert layers[4].name == "blocks.0.add"
    assert layers[10].name == "blocks.2.shortcut.0"
    assert layers[10].inputs == (7,)
    assert layers[11].inputs == (10, 9)


def test_adaptive_pooling() -> None:
    model = nn.Sequential(
        nn.Conv2d(3, 4, 3, padding=1), nn.AdaptiveMaxPool2d(2), nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(),
        nn.Linear(4, 2),
    )  # fmt: skip
    _, maxpool, gap, fc = extract_layers(model, (3, 8, 8))
    assert (maxpool.kind, maxpool.kernel, maxpool.stride, maxpool.padding) == ("pool", 4, 4, 0)
    assert (maxpool.pool_mode, maxpool.input_hw, maxpool.output_hw) == ("max", (8, 8), (2, 2))
    assert (gap.kernel, gap.stride, gap.pool_mode, gap.input_hw, gap.output_hw) == (2, 2, "avg", (2, 2), (1, 1))
    assert fc.inputs == (2,)


def test_adaptive_pool_to_same_size_is_identity() -> None:
    layers = extract_layers(nn.Sequential(nn.Conv2d(3, 4, 1), nn.AdaptiveAvgPool2d(8)), (3, 8, 8))
    assert [x.kind for x in layers] == ["conv"]


def test_adaptive_pool_with_non_integer_ratio_is_unsupported() -> None:
    with pytest.raises(UnsupportedLayerError, match=r"^1 \(adaptive avg pooling\).*8x8 -> 3x3"):
        extract_layers(nn.Sequential(nn.Conv2d(3, 4, 1), nn.AdaptiveAvgPool2d(3)), (3, 8, 8))


def test_grouped_and_depthwise_conv() -> None:
    model = nn.Sequential(nn.Conv2d(8, 16, 3, padding=1, groups=4), nn.Conv2d(16, 16, 3, groups=16))
    grouped, depthwise = extract_layers(model, (8, 6, 6))
    assert (grouped.groups, grouped.in_channels, grouped.out_channels) == (4, 8, 16)
    assert (depthwise.groups, depthwise.output_hw, depthwise.inputs) == (16, (4, 4), (0,))


def test_conv_padding_same_and_valid() -> None:
    model = nn.Sequential(nn.Conv2d(3, 4, 5, padding="same"), nn.Conv2d(4, 4, 3, padding="valid"))
    same, valid = extract_layers(model, (3, 9, 9))
    assert (same.padding, same.output_hw, valid.padding, valid.output_hw) == (2, (9, 9), 0, (7, 7))


def test_mlp_and_batched_input_shapes() -> None:
    mlp = nn.Sequential(nn.Linear(20, 30), nn.GELU(), nn.Linear(30, 4))
    fc0, fc1 = extract_layers(mlp, (20,))
    assert (fc0.in_channels, fc0.out_channels, fc0.inputs, fc1.inputs) == (20, 30, (), (0,))
    assert extract_layers(mlp, (1, 20)) == [fc0, fc1]
    net = get_network("lenet")
    assert extract_layers(net, (1, *INPUT_SHAPE)) == extract_layers(net, INPUT_SHAPE)
    with pytest.raises(ValueError, match="input_shape"):
        extract_layers(net, (32, 32, 3, 1, 1))


def test_model_parameters_and_modes_are_unchanged() -> None:
    model = get_network("vgg8")
    model.train()
    model.classifier.eval()  # a mixed train/eval state must survive too
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, nn.BatchNorm2d):
                module.running_mean.uniform_()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    modes = [m.training for m in model.modules()]
    extract_layers(model, INPUT_SHAPE)
    assert [m.training for m in model.modules()] == modes
    after = model.state_dict()
    assert before.keys() == after.keys()
    assert all(torch.equal(before[k], after[k]) for k in before)


class _Wrapper(nn.Module):
    def __init__(self, bad: nn.Module) -> None:
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), bad)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out: torch.Tensor = self.features(x)
        return out


@pytest.mark.parametrize(
    ("bad", "type_name"),
    [(nn.Upsample(scale_factor=2), "Upsample"), (nn.ZeroPad2d(1), "ZeroPad2d"), (nn.PixelShuffle(2), "PixelShuffle")],
)
def test_unsupported_module_names_path_and_type(bad: nn.Module, type_name: str) -> None:
    with pytest.raises(UnsupportedLayerError, match=rf"^module features\.2 \({type_name}\) is not supported") as info:
        extract_layers(_Wrapper(bad), (3, 8, 8))
    message = str(info.value)
    assert "\n" not in message
    assert "supported: Conv2d" in message
    assert isinstance(info.value, ValueError)


def test_lstm_is_unsupported() -> None:
    class Seq(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.rnn = nn.LSTM(8, 8)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            out: torch.Tensor = self.rnn(x)[0]
            return out

    with pytest.raises(UnsupportedLayerError, match=r"module rnn \(LSTM\)"):
        extract_layers(Seq(), (1, 8))


class _TwoBranch(nn.Module):
    def __init__(self, op: str) -> None:
        super().__init__()
        self.op = op
        self.a = nn.Conv2d(3, 4, 1)
        self.b = nn.Conv2d(3, 4, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        a, b = self.a(x), self.b(x)
        if self.op == "mul":
            return a * b
        if self.op == "cat":
            return torch.cat([a, b], dim=1)
        if self.op == "sub":
            return a - b
        return a + x[:, :1]  # broadcast add


@pytest.mark.parametrize(("op", "pattern"), [("mul", "mul"), ("cat", "cat"), ("sub", "sub"), ("bcast", "getitem")])
def test_unsupported_functions(op: str, pattern: str) -> None:
    with pytest.raises(UnsupportedLayerError, match=pattern):
        extract_layers(_TwoBranch(op), (3, 4, 4))


def test_non_square_and_dilated_conv_are_unsupported() -> None:
    with pytest.raises(UnsupportedLayerError, match=r"module 0 \(Conv2d\).*non-square kernel"):
        extract_layers(nn.Sequential(nn.Conv2d(3, 4, (3, 1))), (3, 8, 8))
    with pytest.raises(UnsupportedLayerError, match="dilation"):
        extract_layers(nn.Sequential(nn.Conv2d(3, 4, 3, dilation=2)), (3, 8, 8))
    with pytest.raises(UnsupportedLayerError, match="non-square stride"):
        extract_layers(nn.Sequential(nn.Conv2d(3, 4, 3, stride=(1, 2))), (3, 8, 8))


def test_residual_add_on_network_input_is_unsupported() -> None:
    class M(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv = nn.Conv2d(3, 3, 3, padding=1)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            out: torch.Tensor = self.conv(x) + x
            return out

    with pytest.raises(UnsupportedLayerError, match="network input"):
        extract_layers(M(), (3, 4, 4))


def test_untraceable_model_gives_hint() -> None:
    class Dynamic(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv = nn.Conv2d(3, 3, 1)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            if x.sum() > 0:  # data-dependent control flow
                return self.conv(x)
            return x

    with pytest.raises(UnsupportedLayerError, match=r"cannot trace Dynamic with torch\.fx.*control flow"):
        extract_layers(Dynamic(), (3, 4, 4))


def test_subclass_of_conv2d_is_a_conv_layer() -> None:
    class MyConv(nn.Conv2d):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return F.conv2d(x, self.weight * 1.0, self.bias, self.stride, self.padding)

    (conv,) = extract_layers(nn.Sequential(MyConv(3, 5, 3)), (3, 6, 6))
    assert (conv.kind, conv.out_channels, conv.output_hw) == ("conv", 5, (4, 4))


def test_wrong_input_shape_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="forward pass of PlainNet"):
        extract_layers(get_network("lenet"), (1, 32, 32))
