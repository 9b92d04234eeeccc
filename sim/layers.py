"""The simulator's layer list: what the mapping and every metric read about a network.

``extract_layers(model, input_shape)`` (below) turns any ``torch.nn.Module`` into a list of :class:`LayerSpec`.
Only layers that cost hardware in MNSIM's model appear: convolution, fully connected, pooling and element-wise
sum (residual add). BatchNorm, activations, flatten, dropout and reshapes fold into the layer before them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

LayerKind = Literal["conv", "fc", "pool", "element_sum"]


@dataclass(frozen=True)
class LayerSpec:
    """One hardware layer.

    Attributes:
        index: position in the layer list.
        kind: ``conv``, ``fc``, ``pool`` or ``element_sum``.
        name: the torch module path (or graph node name) it came from, for reports and errors.
        in_channels: conv/pool/element_sum input channels; fc input features.
        out_channels: conv output channels; fc output features; pool/element_sum: same as in_channels.
        kernel: square kernel side (conv/pool); 1 for fc and element_sum.
        stride, padding: square stride and padding (conv/pool); 1 and 0 otherwise.
        groups: convolution groups (1 = dense).
        input_hw: input feature-map (height, width); (1, 1) for fc.
        output_hw: output feature-map (height, width); (1, 1) for fc.
        inputs: indices in the layer list of the layers this one reads; () means the network input.
        weight_bits: weight bit width, sign included (MNSIM: 9).
        act_bits: input/output activation bit width, sign included (MNSIM: 9).
        pool_mode: ``max`` or ``avg`` for pooling, ``""`` otherwise.
    """

    index: int
    kind: LayerKind
    name: str
    in_channels: int
    out_channels: int
    kernel: int
    stride: int
    padding: int
    input_hw: tuple[int, int]
    output_hw: tuple[int, int]
    inputs: tuple[int, ...]
    groups: int = 1
    weight_bits: int = 9
    act_bits: int = 9
    pool_mode: str = ""

    @property
    def output_pixels(self) -> int:
        """Output positions (H_out * W_out); 1 for fc."""
        return self.output_hw[0] * self.output_hw[1]
