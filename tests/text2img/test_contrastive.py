"""course_lib.text2img.contrastive: InfoNCE against CLIP's cross-entropy form, multi-positive targets, recall@k."""

import torch
import torch.nn.functional as F

from course_lib.text2img.captions import Caption
from course_lib.text2img.contrastive import info_nce, match_matrix, recall_at


def test_identity_targets_are_clips_loss():
    logits = torch.randn(6, 6, generator=torch.Generator().manual_seed(0))
    labels = torch.arange(6)
    reference = 0.5 * (F.cross_entropy(logits, labels) + F.cross_entropy(logits.T, labels))
    torch.testing.assert_close(info_nce(logits), reference)
    torch.testing.assert_close(info_nce(logits, torch.eye(6)), reference)


def test_two_positives_share_the_target_and_gradients_flow():
    logits = torch.zeros(2, 2, requires_grad=True)
    assert info_nce(logits, torch.ones(2, 2)).item() < info_nce(logits, torch.eye(2)).item() + 1e-6
    loss = info_nce(logits * 3 + torch.eye(2), torch.eye(2))
    loss.backward()
    assert logits.grad is not None and loss.item() < torch.log(torch.tensor(2.0)).item()


def test_match_matrix_frees_unnamed_attributes():
    captions = [Caption("red dress", "en", 3, {"colour": 0}), Caption("dark dress", "en", 3, {"tone": 0}),
                Caption("bag", "en", 8, {})]
    labels = torch.tensor([3, 3, 8])
    attributes = {"colour": torch.tensor([0, 1, 0]), "tone": torch.tensor([1, 0, 0])}
    assert match_matrix(captions, labels, attributes).tolist() == [[True, False, False], [False, True, False],
                                                                  [False, False, True]]


def test_recall_at_k():
    similarity = torch.tensor([[0.9, 0.1, 0.0], [0.8, 0.2, 0.1]])
    match = torch.tensor([[True, False, False], [False, False, True]])
    assert recall_at(similarity, match, 1) == 0.5 and recall_at(similarity, match, 3) == 1.0
