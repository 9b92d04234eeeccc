"""SRAM buffer model: CACTI-derived tables indexed by technology, capacity and bus width.

Source: MNSIM 2.0 ``MNSIM/Hardware_Model/Buffer.py`` (thu-nics/MNSIM-2.0). The tables are indexed
``[tech block, size bucket, bitwidth bucket]``:

* tech block: Buffer_Technology >= 90 nm -> 0, 65..89 nm -> 1, < 65 nm -> 2 (0 means 65 nm);
* size bucket (KB): <=2, <=4, <=8, <=16, <=32, <=64, <=128, <=256, >256;
* bitwidth bucket (bits): <=64, <=128, <=256, >256 (Buffer_Bitwidth 0 means 256).

Units: area mm^2 (as tabulated), leakage mW, dynamic read/write energy nJ per access. One access moves
``bitwidth`` bits and takes ``BUFFER_CYCLE_NS`` = 20 ns (MNSIM hard-codes the cycle; its per-entry CACTI cycle table
is unused). Power in mW is ``E_dyn / cycle * 1e3 + leakage`` for reads and writes separately. Entry (<=2 KB, >256 bit)
is invalid (-1) in MNSIM; here it is NaN.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

BUFFER_CYCLE_NS = 20.0
_SIZE_EDGES_KB = np.array([2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0])
_WIDTH_EDGES_BITS = np.array([64.0, 128.0, 256.0])

_AREA_MM2 = np.array([
    0.0405803, 0.0944387, 0.170796, -1, 0.0686947, 0.129533, 0.21469158, 0.544121685, 0.156974886, 0.199132286,
    0.301779123, 0.629568, 0.616313686, 0.781358547, 1.190747266, 2.277664127, 1.060004216, 1.271763571,
    1.774928364, 3.368257932, 1.974404875, 2.239130702, 2.897282324, 4.503881809, 3.583918894, 3.942740844,
    4.787940384, 6.782865957, 6.974574682, 7.387286214, 8.510494573, 11.13794477, 14.22112082, 15.77955259,
    15.1903479, 18.56649221,
    0.069914533, 0.13213, 0.266413, -1, 0.117554, 0.172761, 0.319445, 0.885538, 0.185984, 0.253431, 0.424684,
    0.98738, 0.321651, 0.407856, 0.621693, 1.18947, 0.552979, 0.663547, 0.92629, 1.75898, 1.02955, 1.16829,
    1.51204, 2.35122, 1.86953, 2.05688, 2.49820595, 3.532879835, 4.110732386, 3.853902632, 4.440562411,
    5.812866337, 7.345004718, 8.232069955, 7.924741251, 9.68755797,
    0.026389593, 0.049106366, 0.099338763, -1, 0.043660718, 0.064295773, 0.119224229, 0.333979075, 0.06910098,
    0.094371317, 0.177026169, 0.372578216, 0.12167763, 0.154207863, 0.234897385, 0.426436442, 0.209317302,
    0.251074, 0.350283787, 0.664606538, 0.389828369, 0.442063443, 0.571793236, 0.88844989, 0.707812758,
    0.779322414, 0.945248378, 1.335949489, 1.692348078, 1.758800264, 1.680181012, 2.198122156, 2.972110865,
    3.116036246, 3.763339813, 3.665484947,
])
_LEAKAGE_MW = np.array([
    1.006428, 1.136656, 1.253224, -1, 1.95684, 2.15962, 2.28782, 2.62008, 4.1222, 4.18056, 4.3319, 4.55214,
    8.86342, 9.07178, 9.65236, 11.29236, 17.46566, 17.73578, 18.44038, 19.29436, 32.1096, 32.4554, 33.348, 35.5564,
    63.688, 64.1578, 65.2978, 68.0018, 121.8756, 122.4862, 126.032, 127.5844, 243.484, 244.982, 245.722, 250.266,
    4.33154, 4.5899, 5.99122, -1, 7.75758, 8.25868, 9.76298, 14.09702, 14.98076, 15.5835, 17.29178, 20.9042,
    26.6168, 27.3042, 29.192, 34.5, 52.3788, 53.2686, 55.5624, 58.7496, 96.3408, 97.4886, 100.408, 107.6106,
    191.03, 192.5814, 196.3112, 205.136, 367.718, 367.692, 372.76, 384.374, 730.276, 735.414, 737.946, 752.802,
    3.06844, 3.22544, 4.1977, -1, 5.51418, 5.85956, 6.90244, 9.92618, 10.65116, 11.06626, 11.4876, 14.86772,
    19.25676, 19.72618, 21.0248, 24.6852, 37.9354, 38.5436, 40.1206, 42.1506, 69.7894, 70.5706, 72.5732, 77.5184,
    138.4138, 139.4718, 142.0298, 148.0884, 299.266, 299.666, 269.828, 277.794, 551.922, 532.732, 539.688, 544.616,
])
_READ_NJ = np.array([
    0.0075695, 0.0204901, 0.0374838, -1, 0.00854257, 0.0227852, 0.041063, 0.12054, 0.018382, 0.0275777, 0.0484019,
    0.127604, 0.044837, 0.0706276, 0.131809, 0.295237, 0.0618356, 0.0943086, 0.169224, 0.411876, 0.103042, 0.14809,
    0.247932, 0.485822, 0.156421, 0.21497, 0.342013, 0.634498, 0.27502, 0.358447, 0.535426, 0.927837, 0.356492,
    0.508902, 0.795817, 1.29724,
    0.00823002, 0.0183766, 0.0407038, -1, 0.0120839, 0.0211627, 0.0454619, 0.137905, 0.0158937, 0.026906, 0.0551001,
    0.147335, 0.0248548, 0.0394126, 0.0739843, 0.166219, 0.0349618, 0.053362, 0.0956746, 0.232081, 0.0583935,
    0.0838554, 0.140319, 0.274961, 0.0905117, 0.123634, 0.19553, 0.361147, 0.131652, 0.206955, 0.307099, 0.52924,
    0.205608, 0.291566, 0.462242, 0.746234,
    0.00366611, 0.00805114, 0.0174977, -1, 0.00545155, 0.00929243, 0.0195678, 0.0587335, 0.00717156, 0.0118251,
    0.0272345, 0.0628241, 0.0113831, 0.0175339, 0.0321178, 0.0709932, 0.0160867, 0.0238524, 0.0416899, 0.0996046,
    0.0272693, 0.0380164, 0.0618288, 0.118533, 0.0426012, 0.0565679, 0.0868665, 0.156594, 0.0624646, 0.097861,
    0.138328, 0.231921, 0.0933836, 0.131128, 0.210481, 0.330414,
])
_WRITE_NJ = np.array([
    0.0131361, 0.0223358, 0.0422325, -1, 0.0199484, 0.0271014, 0.0516509, 0.130038, 0.0211344, 0.0368348, 0.0706683,
    0.14878, 0.0437094, 0.0779207, 0.155944, 0.345919, 0.0601423, 0.109611, 0.218248, 0.460145, 0.08827501,
    0.144703, 0.278356, 0.583869, 0.116896, 0.209321, 0.404114, 0.8321, 0.162096, 0.279398, 0.524128, 1.05204,
    0.243037, 0.429853, 0.775468, 1.54815,
    0.00983737, 0.0198855, 0.0427535, -1, 0.0129198, 0.0243774, 0.0516229, 0.142004, 0.0177355, 0.0335322,
    0.0694838, 0.159657, 0.0237539, 0.0430962, 0.0872368, 0.194986, 0.0330736, 0.0610694, 0.122573, 0.258586,
    0.0450215, 0.0800791, 0.155734, 0.328758, 0.0643685, 0.116708, 0.22704, 0.469528, 0.0950392, 0.154668,
    0.293248, 0.592261, 0.133284, 0.23928, 0.435794, 0.873636,
    0.00431575, 0.00864673, 0.0182943, -1, 0.00571403, 0.0105917, 0.0221228, 0.0603267, 0.00778673, 0.0145317,
    0.0298331, 0.0679341, 0.010522, 0.0187642, 0.0375312, 0.0831368, 0.0145269, 0.0264935, 0.0527328, 0.110431,
    0.0199489, 0.0348969, 0.067111, 0.140623, 0.0282674, 0.0506538, 0.0977918, 0.201198, 0.0595076, 0.108967,
    0.1265, 0.253771, 0.0789223, 0.102461, 0.198653, 0.374836,
])


def _table(values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    t = values.astype(np.float64).reshape(3, 9, 4)
    return np.where(t < 0, np.nan, t)


AREA_MM2 = _table(_AREA_MM2)
LEAKAGE_MW = _table(_LEAKAGE_MW)
READ_ENERGY_NJ = _table(_READ_NJ)
WRITE_ENERGY_NJ = _table(_WRITE_NJ)


def tech_block(tech_nm: float) -> int:
    """Row block of the tables for a Buffer_Technology (0 -> 65 nm)."""
    tech = 65.0 if tech_nm == 0 else tech_nm
    return 0 if tech >= 90 else (1 if tech >= 65 else 2)


def effective_bitwidth(bitwidth_bits: int) -> int:
    """Buffer_Bitwidth with MNSIM's 0 -> 256 default."""
    return 256 if bitwidth_bits == 0 else int(bitwidth_bits)


def _index(size_kb: npt.ArrayLike, bitwidth_bits: int) -> tuple[npt.NDArray[np.intp], int]:
    size_idx = np.searchsorted(_SIZE_EDGES_KB, np.asarray(size_kb, dtype=np.float64), side="left")
    width_idx = int(np.searchsorted(_WIDTH_EDGES_BITS, float(effective_bitwidth(bitwidth_bits)), side="left"))
    return size_idx, width_idx


def buffer_area_um2(size_kb: npt.ArrayLike, tech_nm: float, bitwidth_bits: int) -> npt.NDArray[np.float64]:
    """Area (um^2) of buffers of ``size_kb`` KB; 0 for size 0."""
    size = np.asarray(size_kb, dtype=np.float64)
    s, w = _index(size, bitwidth_bits)
    area = AREA_MM2[tech_block(tech_nm), s, w] * 1e6
    return np.where(size > 0, area, 0.0)


def buffer_power_mW(size_kb: npt.ArrayLike, tech_nm: float,
                    bitwidth_bits: int) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """(read, write) power in mW: dynamic energy per 20 ns cycle plus leakage; 0 for size 0."""
    size = np.asarray(size_kb, dtype=np.float64)
    s, w = _index(size, bitwidth_bits)
    b = tech_block(tech_nm)
    leak = LEAKAGE_MW[b, s, w]
    rd = READ_ENERGY_NJ[b, s, w] / BUFFER_CYCLE_NS * 1e3 + leak
    wr = WRITE_ENERGY_NJ[b, s, w] / BUFFER_CYCLE_NS * 1e3 + leak
    return np.where(size > 0, rd, 0.0), np.where(size > 0, wr, 0.0)


def buffer_access_ns(n_bytes: npt.ArrayLike, bitwidth_bits: int) -> npt.NDArray[np.float64]:
    """Time (ns) to read or write ``n_bytes`` bytes: ``ceil(8 n / bitwidth) * 20`` (Buffer.py)."""
    nb = np.asarray(n_bytes, dtype=np.float64)
    return np.ceil(np.round(nb * 8.0 / effective_bitwidth(bitwidth_bits), 9)) * BUFFER_CYCLE_NS
