"""Weight-sharing supernets with the once-for-all verbs (set_max_net, set_active_subnet, sample, get_active_subnet)."""

from pipeline.supernet.base import StaticNet, Supernet
from pipeline.supernet.resnet import ResidualBlock, ResNetSupernet
from pipeline.supernet.vgg import VGGSupernet

__all__ = ["Supernet", "StaticNet", "ResNetSupernet", "ResidualBlock", "VGGSupernet"]
