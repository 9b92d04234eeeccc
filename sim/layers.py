"""The simulator's layer list: what the mapping and every metric read about a network.

``extract_layers(model, input_shape)`` (below) turns any ``torch.nn.Module`` into a list of :class:`LayerSpec`.
Only layers that cost hardware in MNSIM's model appear: convolution, fully connected, pooling and element-wise
sum (residual add). BatchNorm, activations, flatten, dropout and reshapes fold into the layer before them.
"""

from __future__ import annotations

import operator
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

import torch
import torch.nn.functional as F
from torch import fx, nn
from torch.fx.passes.shape_prop import ShapeProp, TensorMetadata

__all__ = ["LayerKind", "LayerSpec", "UnsupportedLayerError", "extract_layers"]

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


class UnsupportedLayerError(ValueError):
    """The network holds an operation that MNSIM's layer model (conv, fc, pooling, element-wise sum) lacks."""


SUPPORTED = (
    "supported: Conv2d (square kernel/stride/padding, dilation 1, any groups), Linear, MaxPool2d/AvgPool2d, "
    "AdaptiveAvg/MaxPool2d (integer ratio), global mean, residual add of two activations; folded: BatchNorm, "
    "GroupNorm/LayerNorm, activations (ReLU, ReLU6, LeakyReLU, GELU, SiLU, Sigmoid, Tanh, Hardtanh, Hardswish, ...), "
    "Identity, Dropout, Flatten/view/reshape, scaling by a constant"
)
"""What :func:`extract_layers` understands; quoted in every :class:`UnsupportedLayerError`."""

_NETWORK_INPUT = -1  # producer id of the network input (a folded op on it keeps this id)

# fmt: off
_FOLDED_MODULES: tuple[type[nn.Module], ...] = (
    nn.modules.batchnorm._BatchNorm, nn.GroupNorm, nn.LayerNorm, nn.modules.instancenorm._InstanceNorm,
    nn.ReLU, nn.ReLU6, nn.LeakyReLU, nn.PReLU, nn.ELU, nn.GELU, nn.SiLU, nn.Mish, nn.Sigmoid, nn.Tanh,
    nn.Hardtanh, nn.Hardswish, nn.Hardsigmoid, nn.Softmax, nn.LogSoftmax,
    nn.Identity, nn.modules.dropout._DropoutNd, nn.Flatten,
)
_POOL_MODULES: tuple[type[nn.Module], ...] = (nn.MaxPool2d, nn.AvgPool2d, nn.AdaptiveAvgPool2d, nn.AdaptiveMaxPool2d)
_LEAF_MODULES: tuple[type[nn.Module], ...] = (nn.Conv2d, nn.Linear, *_POOL_MODULES, *_FOLDED_MODULES)

# functions and tensor methods that pass their one activation through (no hardware)
_FOLDED_FUNCTIONS: frozenset[Any] = frozenset({
    F.relu, F.relu_, torch.relu, torch.relu_, F.relu6, F.leaky_relu, F.gelu, F.silu, F.mish, F.elu,
    F.hardtanh, F.hardswish, F.hardsigmoid, torch.sigmoid, F.sigmoid, torch.tanh, F.tanh,
    F.softmax, F.log_softmax, torch.clamp, torch.clip,
    F.dropout, F.dropout2d, F.batch_norm, F.group_norm, F.layer_norm,
    torch.flatten, torch.reshape, torch.squeeze, torch.unsqueeze,
})
_FOLDED_METHODS: frozenset[str] = frozenset({
    "view", "reshape", "flatten", "contiguous", "squeeze", "unsqueeze", "clone", "detach", "float", "to",
    "relu", "relu_", "sigmoid", "tanh", "clamp", "clamp_", "clip", "softmax", "log_softmax",
})
_SHAPE_METHODS: frozenset[str] = frozenset({"size", "dim", "numel"})
# add: element_sum when both operands are activations, folded when one is a constant
_ADD_FUNCTIONS: frozenset[Any] = frozenset({operator.add, operator.iadd, torch.add})
_ADD_METHODS: frozenset[str] = frozenset({"add", "add_"})
# scaling by a constant folds; the same ops on two activations are unsupported
_SCALE_FUNCTIONS: frozenset[Any] = frozenset({
    operator.sub, operator.isub, operator.mul, operator.imul, operator.truediv, operator.itruediv, operator.neg,
    torch.sub, torch.mul, torch.div,
})
_SCALE_METHODS: frozenset[str] = frozenset({"sub", "sub_", "mul", "mul_", "div", "div_", "neg"})
_MAX_POOL_FUNCTIONS: frozenset[Any] = frozenset({F.max_pool2d, torch.max_pool2d})
_AVG_POOL_FUNCTIONS: frozenset[Any] = frozenset({F.avg_pool2d})
_ADAPTIVE_POOL_FUNCTIONS: dict[Any, str] = {F.adaptive_avg_pool2d: "avg", F.adaptive_max_pool2d: "max"}
_MEAN_FUNCTIONS: frozenset[Any] = frozenset({torch.mean})
# fmt: on


class _Tracer(fx.Tracer):
    """fx tracer that also keeps subclasses of the supported torch layers (e.g. a quantised Conv2d) as leaves."""

    def is_leaf_module(self, m: nn.Module, module_qualified_name: str) -> bool:
        return isinstance(m, _LEAF_MODULES) or super().is_leaf_module(m, module_qualified_name)


def _unsupported(what: str, detail: str = "") -> UnsupportedLayerError:
    detail = f" ({detail})" if detail else ""
    return UnsupportedLayerError(f"{what} is not supported by the PIM layer model{detail}; {SUPPORTED}")


def _square(value: Any, field: str, where: str) -> int:
    """A square size given as an int or a pair/list of equal ints."""
    if isinstance(value, int):
        return value
    if isinstance(value, (tuple, list)) and len(value) in (1, 2) and all(isinstance(v, int) for v in value):
        if len(set(value)) == 1:
            return int(value[0])
    raise _unsupported(where, f"non-square {field} {value!r}")


def _tensor_meta(node: fx.Node) -> TensorMetadata | None:
    meta = node.meta.get("tensor_meta")
    return meta if isinstance(meta, TensorMetadata) else None


def _shape(node: fx.Node) -> tuple[int, ...]:
    meta = _tensor_meta(node)
    if meta is None:
        raise _unsupported(f"node {node.name}", "its value is not a single tensor")
    return tuple(int(d) for d in meta.shape)


def _chw(shape: tuple[int, ...], where: str) -> tuple[int, tuple[int, int]]:
    """(channels, (H, W)) of an (N, C, H, W) or (N, F) activation."""
    if len(shape) == 4:
        return shape[1], (shape[2], shape[3])
    if len(shape) == 2:
        return shape[1], (1, 1)
    raise _unsupported(where, f"activation of shape {list(shape)}; expected (N, C, H, W) or (N, F)")


def _node_nodes(node: fx.Node) -> Iterator[fx.Node]:
    """Every graph node among a node's args and kwargs (nested containers included)."""
    found: list[fx.Node] = []
    fx.node.map_arg((node.args, node.kwargs), found.append)
    return iter(found)


def _scope(node: fx.Node) -> str:
    """Module path of the code that issued a function/method call ("" at the top level)."""
    stack = node.meta.get("nn_module_stack")
    return str(next(reversed(stack))) if stack else ""


def _describe(node: fx.Node) -> str:
    target = (
        node.target if isinstance(node.target, str) else getattr(node.target, "__name__", repr(node.target))
    )
    kind = "method" if node.op == "call_method" else "function"
    scope = _scope(node)
    return f"{kind} {target!s} (graph node {node.name}{' in ' + scope if scope else ''})"


def _max_pool_args(
    input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1, *_: Any, **__: Any
) -> tuple[Any, Any, Any, Any]:
    return kernel_size, stride, padding, dilation


def _avg_pool_args(
    input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0, *_: Any, **__: Any
) -> tuple[Any, Any, Any, Any]:
    return kernel_size, stride, padding, 1


def _bind(fn: Callable[..., tuple[Any, Any, Any, Any]], node: fx.Node) -> tuple[Any, Any, Any, Any]:
    try:
        return fn(*node.args, **node.kwargs)
    except TypeError as err:
        raise _unsupported(_describe(node), f"unexpected arguments: {err}") from err


def _model_device_dtype(model: nn.Module) -> tuple[torch.device, torch.dtype]:
    for tensor in (*model.parameters(), *model.buffers()):
        if tensor.is_floating_point():
            return tensor.device, tensor.dtype
    return torch.device("cpu"), torch.float32


def _example_input(input_shape: tuple[int, ...], device: torch.device, dtype: torch.dtype) -> torch.Tensor:
    shape = tuple(int(d) for d in input_shape)
    if len(shape) in (1, 3):
        shape = (1, *shape)
    if len(shape) not in (2, 4) or any(d <= 0 for d in shape):
        raise ValueError(f"input_shape must be (C, H, W), (N, C, H, W), (F,) or (N, F); got {input_shape!r}")
    return torch.zeros(shape, device=device, dtype=dtype)


class _Builder:
    """Walks a shape-propagated fx graph and emits the hardware layers."""

    def __init__(self, gm: fx.GraphModule, weight_bits: int, act_bits: int) -> None:
        self.gm = gm
        self.weight_bits = weight_bits
        self.act_bits = act_bits
        self.layers: list[LayerSpec] = []
        # graph node -> producing hardware layer index, _NETWORK_INPUT, or None (not an activation)
        self.producer: dict[fx.Node, int | None] = {}
        self.seen_input = False

    def run(self) -> list[LayerSpec]:
        for node in self.gm.graph.nodes:
            if node.op == "placeholder":
                self.producer[node] = None if self.seen_input else _NETWORK_INPUT
                self.seen_input = True
            elif node.op == "get_attr":
                self.producer[node] = None
            elif node.op == "output":
                continue
            else:
                self.producer[node] = self._visit(node)
        return self.layers

    # -- helpers -------------------------------------------------------------------------------------------------

    def _activations(self, node: fx.Node) -> list[fx.Node]:
        return [n for n in _node_nodes(node) if self.producer.get(n) is not None]

    def _single(self, node: fx.Node, acts: list[fx.Node], what: str) -> fx.Node:
        if len(acts) != 1:
            raise _unsupported(what, f"reads {len(acts)} activations, expected 1")
        return acts[0]

    def _inputs_of(self, src: int | None) -> tuple[int, ...]:
        return () if src is None or src == _NETWORK_INPUT else (src,)

    def _emit(
        self,
        kind: LayerKind,
        name: str,
        source: fx.Node,
        node: fx.Node,
        *,
        in_channels: int,
        out_channels: int,
        kernel: int = 1,
        stride: int = 1,
        padding: int = 0,
        groups: int = 1,
        pool_mode: str = "",
        flat: bool = False,
        inputs: tuple[int, ...] | None = None,
    ) -> int:
        """Append a layer reading ``source`` and producing ``node``; return its index."""
        if flat:
            in_hw = out_hw = (1, 1)
        else:
            in_hw = _chw(_shape(source), name)[1]
            out_hw = _chw(_shape(node), name)[1]
        index = len(self.layers)
        self.layers.append(
            LayerSpec(
                index=index,
                kind=kind,
                name=name,
                in_channels=in_channels,
                out_channels=out_channels,
                kernel=kernel,
                stride=stride,
                padding=padding,
                input_hw=in_hw,
                output_hw=out_hw,
                inputs=self._inputs_of(self.producer[source]) if inputs is None else inputs,
                groups=groups,
                weight_bits=self.weight_bits,
                act_bits=self.act_bits,
                pool_mode=pool_mode,
            )
        )
        return index

    # -- dispatch ------------------------------------------------------------------------------------------------

    def _visit(self, node: fx.Node) -> int | None:
        acts = self._activations(node)
        if node.op == "call_module":
            assert isinstance(node.target, str)
            module = self.gm.get_submodule(node.target)
            if not acts:
                return None  # a module applied to constants only: constant-folded, no hardware
            return self._module(node, node.target, module, acts)
        if not acts:
            return None  # shape arithmetic or constants
        target = node.target
        if node.op == "call_method":
            assert isinstance(target, str)
            if target in _SHAPE_METHODS:
                return None
            if target in _FOLDED_METHODS:
                return self.producer[self._single(node, acts, _describe(node))]
            if target in _ADD_METHODS:
                return self._add(node, acts)
            if target in _SCALE_METHODS:
                return self._scale(node, acts)
            if target == "mean":
                return self._mean(node, acts)
            raise _unsupported(_describe(node))
        # call_function
        if target is getattr:
            return None  # x.shape, x.dtype, ...
        if target in _FOLDED_FUNCTIONS:
            return self.producer[self._single(node, acts, _describe(node))]
        if target in _ADD_FUNCTIONS:
            return self._add(node, acts)
        if target in _SCALE_FUNCTIONS:
            return self._scale(node, acts)
        if target in _MAX_POOL_FUNCTIONS or target in _AVG_POOL_FUNCTIONS:
            mode = "max" if target in _MAX_POOL_FUNCTIONS else "avg"
            fields = _bind(_max_pool_args if mode == "max" else _avg_pool_args, node)
            return self._pool(
                node, _scope_name(node), self._single(node, acts, _describe(node)), mode, *fields
            )
        if target in _ADAPTIVE_POOL_FUNCTIONS:
            source = self._single(node, acts, _describe(node))
            return self._adaptive_pool(node, _scope_name(node), source, _ADAPTIVE_POOL_FUNCTIONS[target])
        if target in _MEAN_FUNCTIONS:
            return self._mean(node, acts)
        raise _unsupported(_describe(node))

    def _module(self, node: fx.Node, path: str, module: nn.Module, acts: list[fx.Node]) -> int | None:
        what = f"module {path} ({type(module).__name__})"
        if isinstance(module, _FOLDED_MODULES):
            return self.producer[self._single(node, acts, what)]
        if isinstance(module, nn.Conv2d):
            return self._conv(node, path, module, self._single(node, acts, what))
        if isinstance(module, nn.Linear):
            return self._linear(node, path, module, self._single(node, acts, what))
        if isinstance(module, (nn.MaxPool2d, nn.AvgPool2d)):
            mode = "max" if isinstance(module, nn.MaxPool2d) else "avg"
            dilation = module.dilation if isinstance(module, nn.MaxPool2d) else 1
            if isinstance(module, nn.MaxPool2d) and module.return_indices:
                raise _unsupported(what, "return_indices=True")
            source = self._single(node, acts, what)
            return self._pool(
                node, path, source, mode, module.kernel_size, module.stride, module.padding, dilation
            )
        if isinstance(module, (nn.AdaptiveAvgPool2d, nn.AdaptiveMaxPool2d)):
            mode = "max" if isinstance(module, nn.AdaptiveMaxPool2d) else "avg"
            return self._adaptive_pool(node, path, self._single(node, acts, what), mode)
        raise _unsupported(what)

    # -- layer kinds ---------------------------------------------------------------------------------------------

    def _conv(self, node: fx.Node, path: str, conv: nn.Conv2d, source: fx.Node) -> int:
        where = f"module {path} (Conv2d)"
        if tuple(conv.dilation) != (1, 1):
            raise _unsupported(where, f"dilation {tuple(conv.dilation)}")
        kernel = _square(conv.kernel_size, "kernel", where)
        stride = _square(conv.stride, "stride", where)
        if isinstance(conv.padding, str):
            if conv.padding == "valid":
                padding = 0
            elif kernel % 2 == 1:  # "same" (PyTorch allows it with stride 1 only)
                padding = (kernel - 1) // 2
            else:
                raise _unsupported(where, "padding='same' with an even kernel is asymmetric")
        else:
            padding = _square(conv.padding, "padding", where)
        if len(_shape(source)) != 4:
            raise _unsupported(where, f"input of shape {list(_shape(source))}")
        return self._emit(
            "conv",
            path,
            source,
            node,
            in_channels=conv.in_channels,
            out_channels=conv.out_channels,
            kernel=kernel,
            stride=stride,
            padding=padding,
            groups=conv.groups,
        )

    def _linear(self, node: fx.Node, path: str, linear: nn.Linear, source: fx.Node) -> int:
        shape = _shape(source)
        if len(shape) != 2:
            raise _unsupported(
                f"module {path} (Linear)", f"input of shape {list(shape)}; flatten to (N, features) first"
            )
        return self._emit(
            "fc",
            path,
            source,
            node,
            in_channels=linear.in_features,
            out_channels=linear.out_features,
            flat=True,
        )

    def _pool(
        self,
        node: fx.Node,
        name: str,
        source: fx.Node,
        mode: str,
        kernel: Any,
        stride: Any,
        padding: Any,
        dilation: Any,
    ) -> int:
        where = f"{name} ({mode} pooling)"
        if _square(dilation, "dilation", where) != 1:
            raise _unsupported(where, f"dilation {dilation!r}")
        k = _square(kernel, "kernel", where)
        no_stride = stride is None or (isinstance(stride, (list, tuple)) and not stride)
        s = k if no_stride else _square(stride, "stride", where)
        p = _square(padding, "padding", where)
        channels, _ = _chw(_shape(source), where)
        if len(_shape(source)) != 4:
            raise _unsupported(where, f"input of shape {list(_shape(source))}")
        return self._emit(
            "pool",
            name,
            source,
            node,
            in_channels=channels,
            out_channels=channels,
            kernel=k,
            stride=s,
            padding=p,
            pool_mode=mode,
        )

    def _adaptive_pool(self, node: fx.Node, name: str, source: fx.Node, mode: str) -> int | None:
        where = f"{name} (adaptive {mode} pooling)"
        in_shape, out_shape = _shape(source), _shape(node)
        if len(in_shape) != 4:
            raise _unsupported(where, f"input of shape {list(in_shape)}")
        (h, w), (oh, ow) = in_shape[2:], out_shape[2:]
        if (h, w) == (oh, ow):
            return self.producer[source]  # identity
        if h % oh or w % ow or h // oh != w // ow:
            raise _unsupported(where, f"{h}x{w} -> {oh}x{ow} is not a square integer down-sampling")
        k = h // oh
        return self._emit(
            "pool",
            name,
            source,
            node,
            in_channels=in_shape[1],
            out_channels=in_shape[1],
            kernel=k,
            stride=k,
            pool_mode=mode,
        )

    def _mean(self, node: fx.Node, acts: list[fx.Node]) -> int | None:
        """``x.mean((2, 3))`` / ``torch.mean(x, dim=(-2, -1))``: global average pooling."""
        source = self._single(node, acts, _describe(node))
        in_shape = _shape(source)
        dim = node.kwargs.get("dim", node.args[1] if len(node.args) > 1 else None)
        dims = {
            d % len(in_shape)
            for d in (dim if isinstance(dim, (list, tuple)) else (dim,))
            if isinstance(d, int)
        }
        if len(in_shape) != 4 or dims != {2, 3}:
            raise _unsupported(_describe(node), "only a mean over the spatial dims (2, 3) is a pooling layer")
        h, w = in_shape[2:]
        if h != w:
            raise _unsupported(_describe(node), f"global pooling over a non-square {h}x{w} map")
        if h == 1:
            return self.producer[source]
        channels = in_shape[1]
        return self._emit(
            "pool",
            _scope_name(node),
            source,
            node,
            in_channels=channels,
            out_channels=channels,
            kernel=h,
            stride=h,
            pool_mode="avg",
        )

    def _add(self, node: fx.Node, acts: list[fx.Node]) -> int | None:
        if len(acts) == 1:
            return self.producer[acts[0]]  # activation + constant (bias, offset): folded
        what = f"residual add {_describe(node)}"
        if len(acts) != 2:
            raise _unsupported(what, f"reads {len(acts)} activations")
        shapes = [_shape(a) for a in acts]
        if shapes[0] != shapes[1] or shapes[0] != _shape(node):
            raise _unsupported(what, f"operand shapes {[list(s) for s in shapes]} differ (broadcasting)")
        sources = [self.producer[a] for a in acts]
        if any(src == _NETWORK_INPUT for src in sources):
            raise _unsupported(what, "an element_sum cannot read the network input directly")
        channels, _ = _chw(shapes[0], what)
        flat = len(shapes[0]) == 2
        return self._emit(
            "element_sum",
            _scope_name(node),
            acts[0],
            node,
            in_channels=channels,
            out_channels=channels,
            flat=flat,
            inputs=tuple(int(src) for src in sources if src is not None),
        )

    def _scale(self, node: fx.Node, acts: list[fx.Node]) -> int | None:
        if len(acts) != 1:
            raise _unsupported(_describe(node), "an element-wise product/difference of two activations")
        if _shape(acts[0]) != _shape(node):
            raise _unsupported(_describe(node), "broadcasting changes the activation shape")
        return self.producer[acts[0]]


def _scope_name(node: fx.Node) -> str:
    """A layer name for a function call: ``<module path>.<graph node name>``."""
    scope = _scope(node)
    return f"{scope}.{node.name}" if scope else node.name


def extract_layers(
    model: nn.Module, input_shape: tuple[int, ...], weight_bits: int = 9, act_bits: int = 9
) -> list[LayerSpec]:
    """The hardware layers of ``model`` in execution order, as MNSIM's layer model sees them.

    The model is traced with ``torch.fx`` and run once, in eval mode without gradients, on a zero tensor (on
    the device of its parameters) to learn every feature-map size. Conv2d, Linear and pooling become ``conv``,
    ``fc`` and ``pool`` layers; an add of two activations becomes ``element_sum``; BatchNorm, activations,
    dropout, flatten/view/reshape and scaling by a constant fold into the producing layer. ``LayerSpec.inputs``
    holds the indices of the producing layers (``()`` = the network input). The model's parameters and the
    training mode of each submodule are left as they were.

    Args:
        model: the network.
        input_shape: ``(C, H, W)`` for images or ``(F,)`` for an MLP; a leading batch dim is accepted.
        weight_bits: weight bit width, sign included, recorded on every layer.
        act_bits: activation bit width, sign included, recorded on every layer.

    Raises:
        UnsupportedLayerError: an operation outside the layer model, or a model ``torch.fx`` cannot trace.
        ValueError: a bad ``input_shape`` or a forward pass that fails on it.
    """
    if isinstance(model, _LEAF_MODULES):  # a bare Conv2d/Linear/...: trace it as a one-layer network
        model = nn.Sequential(OrderedDict([(type(model).__name__, model)]))
    device, dtype = _model_device_dtype(model)
    example = _example_input(input_shape, device, dtype)
    modes = {m: m.training for m in model.modules()}
    try:
        model.eval()
        try:
            tracer = _Tracer()
            graph = tracer.trace(model)
        except Exception as err:  # fx raises TraceError, TypeError, RuntimeError, ... on untraceable code
            first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            raise UnsupportedLayerError(
                f"cannot trace {type(model).__name__} with torch.fx ({first}); extract_layers needs a forward "
                "without data-dependent control flow (wrap such code in a leaf module, or use a plain chain)"
            ) from err
        gm = fx.GraphModule(tracer.root, graph)
        with torch.no_grad():
            try:
                ShapeProp(gm).propagate(example)
            except Exception as err:
                first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
                raise ValueError(
                    f"forward pass of {type(model).__name__} on input shape {tuple(example.shape)} failed: {first}"
                ) from err
        return _Builder(gm, weight_bits, act_bits).run()
    finally:
        for module, training in modes.items():
            module.training = training
