"""pim-nas pipeline: Hydra-composed supernet training, candidate search, simulation and MLflow logging."""
