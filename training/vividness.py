"""A photo-level colour term for fine-tuning: how colourful the decoded crop is against how colourful it was.

Cross-entropy and the LPIPS term both reward hedging: when the gray cannot
say whether a photo was a vivid poster or a muted street, a middling colour
loses least. So the shipped model gives every photo about the same amount of
colour (``docs/RESULTS.md``, "Where the colour goes missing": half the truth's
on the most vivid quarter of ``photos/val``, a fifth too much on the dullest
quarter of ``photos_more/val``). This term scores each crop as a whole: the
gap between the Hasler-Suesstrunk colourfulness of the decoded colour (the
annealed mean at the shipped temperature, as the other terms see it) and the
truth's, both at the network's output size. It pushes up where the photo was
vivid and down where it was dull, unlike saturated targets or a saturation
boost, which push every photo up.

Because most photos are duller in our colour than in truth, the plain term
can be lowered by lifting every photo alike, which is what a saturation
boost does. ``centred`` scores each crop's colourfulness against the batch's
mean instead (ours and the truth's each centred on their own batch mean):
a uniform lift then changes nothing, so the term rewards only telling vivid
photos from dull ones.
"""

from __future__ import annotations

import torch

from huerevive.color import lab_batch_to_rgb
from huerevive.metrics import colourfulness_tensor

SCALE = 100.0  # colourfulness runs 0..~140 on the photos: the term is about 0..1 per crop


def vividness_loss(ab: torch.Tensor, l_small: torch.Tensor, true_ab: torch.Tensor, centred: bool = False) -> torch.Tensor:
    """Mean over the batch of |colourfulness(decoded) - colourfulness(truth)| / ``SCALE``.

    With ``centred``, each colourfulness is taken relative to its batch mean first.

    The decoded colour ``ab`` (N, 2, h, w), the true lightness ``l_small``
    (N, 1, h, w) and colour ``true_ab`` (N, 2, h, w), all at the network's output size.
    """
    pred = colourfulness_tensor(lab_batch_to_rgb(torch.cat((l_small, ab), 1)) * 255)
    truth = colourfulness_tensor(lab_batch_to_rgb(torch.cat((l_small, true_ab), 1)) * 255)
    if centred:
        pred, truth = pred - pred.mean(), truth - truth.mean()
    return (pred - truth).abs().mean() / SCALE
