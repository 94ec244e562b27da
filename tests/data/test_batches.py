import pytest
import torch

from course_lib.data.batches import BatchSource


def tiny(n=10):
    images = torch.arange(n, dtype=torch.uint8).view(n, 1, 1).expand(n, 28, 28).contiguous()
    return images, torch.arange(n) % 10


def test_shapes_dtype_range():
    images, labels = tiny()
    real, y = BatchSource(images, labels, batch_size=4, image_size=32).next_batch()
    assert real.shape == (4, 1, 32, 32) and real.dtype == torch.float32 and y.shape == (4,)
    assert real.min() >= -1 and real.max() <= 1


def test_each_epoch_is_a_permutation_and_labels_follow_images():
    images, labels = tiny(12)
    source = BatchSource(images, labels, batch_size=4, seed=1)
    seen = []
    for real, y in source.epoch_batches():
        value = ((real[:, 0, 5, 5] + 1) * 127.5).round().long()  # the image's index, from its pixels
        assert torch.equal(value % 10, y)
        seen += value.tolist()
    assert sorted(seen) == list(range(12)) and source.epoch == 0
    source.next_batch()
    assert source.epoch == 1


def test_same_seed_same_order_other_seed_differs():
    images, labels = tiny(50)
    a = [BatchSource(images, labels, 5, seed=3).next_batch()[1] for _ in range(2)]
    b = BatchSource(images, labels, 5, seed=4).next_batch()[1]
    assert torch.equal(a[0], a[1]) and not torch.equal(a[0], b)


def test_state_dict_resumes_exactly():
    images, labels = tiny(20)
    full = BatchSource(images, labels, 3, seed=7)
    first = [full.next_batch()[1] for _ in range(13)]
    part = BatchSource(images, labels, 3, seed=7)
    for _ in range(5):
        part.next_batch()
    state = part.state_dict()
    resumed = BatchSource(images, labels, 3, seed=0)
    resumed.load_state_dict(state)
    assert all(torch.equal(resumed.next_batch()[1], f) for f in first[5:])


def test_bad_input_is_explained():
    images, labels = tiny()
    with pytest.raises(ValueError, match="batch_size must be between 1"):
        BatchSource(images, labels, batch_size=0)
    with pytest.raises(ValueError, match="must be uint8"):
        BatchSource(images.float(), labels, batch_size=2)
    with pytest.raises(ValueError, match="image_size must be 28 or 32"):
        BatchSource(images, labels, batch_size=2, image_size=64)
    with pytest.raises(ValueError, match="3 labels for 10 images"):
        BatchSource(images, labels[:3], batch_size=2)


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_data_resident_on_gpu():
    images, labels = tiny()
    source = BatchSource(images, labels, 4, device="cuda")
    real, y = source.next_batch()
    assert source.images.is_cuda and real.is_cuda and y.is_cuda


def test_ranks_take_disjoint_shards_whose_union_is_the_global_batch():
    """2 processes x batch 3: each step's two shards are disjoint and together are the batch of 6 one process
    draws with the same seed; both processes keep the same state, so either one's state resumes any rank."""
    images, labels = tiny(14)[0], torch.arange(14)  # labels = image indices
    alone = BatchSource(images, labels, 6, seed=5)
    ranks = [BatchSource(images, labels, 3, seed=5, rank=r, world_size=2) for r in range(2)]
    assert len(alone) == len(ranks[0]) == 2 and ranks[0].global_batch_size == 6
    for _ in range(5):  # across an epoch boundary (2 global batches per epoch)
        whole = alone.next_batch()[1]
        shards = [source.next_batch()[1] for source in ranks]
        assert torch.equal(torch.cat(shards), whole) and not set(shards[0].tolist()) & set(shards[1].tolist())
    states = [source.state_dict() for source in ranks]
    assert states[0]["position"] == states[1]["position"] == alone.position and states[0]["epoch"] == 2
    assert torch.equal(states[0]["order"], states[1]["order"])
    resumed = BatchSource(images, labels, 3, seed=0, rank=1, world_size=2)
    resumed.load_state_dict(states[0])
    assert torch.equal(resumed.next_batch()[1], ranks[1].next_batch()[1])


def test_bad_sharding_is_explained():
    images, labels = tiny()
    with pytest.raises(ValueError, match=r"rank must be in \[0, world_size=2\), got 2"):
        BatchSource(images, labels, 2, rank=2, world_size=2)
    with pytest.raises(ValueError, match="4 processes x batch 3 need 12 images per step, but there are 10"):
        BatchSource(images, labels, 3, rank=0, world_size=4)
