"""pim-nas simulator: MNSIM 2.0-compatible behaviour-level PIM hardware model and bit-sliced crossbar inference."""
