"""Hardware component models (area um^2, power W, latency ns), one small module per component.

Every constant and table cites the MNSIM 2.0 source file it comes from (thu-nics/MNSIM-2.0, ``MNSIM/Hardware_Model``
and ``MNSIM/Latency_Model``). :mod:`sim.components.tile` composes them into a PE and a tile.
"""
