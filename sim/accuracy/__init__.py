"""Accuracy on PIM hardware: fixed-point quantization and bit-sliced crossbar inference with ADC/DAC and devices.

Public API: :class:`AnalogModel` (``calibrate``, ``origin_forward``, ``hardware_forward``),
:func:`evaluate_accuracy`, the quantizers (:func:`fake_quantize`, :class:`QuantizerState`,
:func:`calibrate_range`) and the building blocks (:mod:`.bitslice`, :mod:`.adc`, :mod:`.noise`).
See docs/accuracy.md for the model and how it differs from MNSIM 2.0.
"""

from sim.accuracy.adc import ADC_MODES, adc_convert, fix_alpha, scale_alpha
from sim.accuracy.analog import AnalogLayer, AnalogModel, convert_to_analog, fold_batchnorm
from sim.accuracy.bitslice import shift_coefficients, signed_digits, unsigned_digits, weight_cell_arrays
from sim.accuracy.evaluate import evaluate_accuracy, top1
from sim.accuracy.noise import apply_nonidealities, level_conductances
from sim.accuracy.quantize import QuantizerState, calibrate_range, fake_quantize, quantize_int, signed_levels

__all__ = [
    "ADC_MODES",
    "AnalogLayer",
    "AnalogModel",
    "QuantizerState",
    "adc_convert",
    "apply_nonidealities",
    "calibrate_range",
    "convert_to_analog",
    "evaluate_accuracy",
    "fake_quantize",
    "fix_alpha",
    "fold_batchnorm",
    "level_conductances",
    "quantize_int",
    "scale_alpha",
    "shift_coefficients",
    "signed_digits",
    "signed_levels",
    "top1",
    "unsigned_digits",
    "weight_cell_arrays",
]
