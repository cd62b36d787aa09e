"""A semantic term for fine-tuning: does the colour photo show the same things as the truth, to an ImageNet classifier?

The perceptual term (``training/perceptual.py``) compares early AlexNet
features: texture and local colour. FID, the measure the colour is furthest
behind on, compares what a deep classifier makes of the whole photo, and a
pepper coloured half cyan, half pink, or a field washed pink, reads as a
different thing there. ChromaGAN (Vitoria et al. 2020) trains its colorizer
with the class distribution a pretrained classifier gives the true colour
photo as a teacher. Here the classifier is the whole ImageNet EfficientNet-Lite0
(the encoder's own architecture, with its classifier; a network the
evaluation does not use: FID's is InceptionV3): the term is the
Kullback-Leibler divergence of its class distribution for the decoded colour
photo from the one for the true photo. Its weights stay fixed.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from huerevive.color import lab_batch_to_rgb
from huerevive.network import imagenet_efficientnet
from training.perceptual import shown_rgb

CLASSIFIER_SIZE = 224  # the classifier's training resolution; larger crops are resized to it (and cost less)


def classifier_input(rgb: torch.Tensor, size: int = CLASSIFIER_SIZE) -> torch.Tensor:
    """sRGB 0..1 (N, 3, H, W) -> the classifier's input: at most ``size`` px on the short side, Lite preprocessing."""
    height, width = rgb.shape[-2:]
    if min(height, width) > size:
        scale = size / min(height, width)
        rgb = F.interpolate(rgb, size=(round(height * scale), round(width * scale)), mode="bilinear", antialias=True,
                            align_corners=False)
    return (rgb * 255.0 - 127.0) / 128.0


class SemanticLoss(nn.Module):
    """KL(classifier(truth) || classifier(decoded colour)), averaged over the batch."""

    def __init__(self) -> None:
        super().__init__()
        self.net = imagenet_efficientnet().eval().requires_grad_(False)

    def train(self, mode: bool = True) -> SemanticLoss:
        """The classifier stays in evaluation mode (its batch statistics are ImageNet's), whatever is asked."""
        return super().train(False)

    def forward(self, ab: torch.Tensor, lab: torch.Tensor) -> torch.Tensor:
        """``ab`` (N, 2, h, w) the decoded colour at the network's output size; ``lab`` (N, 3, H, W) the true crops."""
        with torch.no_grad():
            teacher = F.log_softmax(self.net(classifier_input(lab_batch_to_rgb(lab))), 1)
        student = F.log_softmax(self.net(classifier_input(shown_rgb(lab[:, :1], ab))), 1)
        return F.kl_div(student, teacher, log_target=True, reduction="batchmean")
