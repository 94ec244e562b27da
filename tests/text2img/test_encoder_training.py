"""course_lib.text2img.encoder_training: seeded CLIP training that learns, and retrieval in both languages."""

import torch

from course_lib.models.clip import ClipConfig
from course_lib.text2img.captions import training_corpus
from course_lib.text2img.encoder_training import embed_texts, retrieval, train_clip
from course_lib.text2img.tokenizer import train_tokenizer
from text2img.edition_files import constructed_edition


def small(tokenizer):
    return ClipConfig(vocab_size=tokenizer.get_vocab_size(), dim=32, layers=1, heads=2, embed_dim=16, image_width=8)


def test_training_is_seeded_and_lowers_the_loss():
    data, tokenizer = constructed_edition(), train_tokenizer(training_corpus())
    model, losses = train_clip(data, tokenizer, steps=40, batch_size=32, seed=1, cfg=small(tokenizer), progress=False)
    again, same = train_clip(data, tokenizer, steps=40, batch_size=32, seed=1, cfg=small(tokenizer), progress=False)
    assert losses == same
    assert sum(losses[-10:]) / 10 < sum(losses[:10]) / 10
    texts = ["a red top", "红色T恤"]
    torch.testing.assert_close(embed_texts(model, tokenizer, texts), embed_texts(again, tokenizer, texts))


def test_retrieval_reports_every_split_and_language():
    data, tokenizer = constructed_edition(60), train_tokenizer(training_corpus())
    model, _ = train_clip(data, tokenizer, steps=5, batch_size=16, cfg=small(tokenizer), progress=False)
    result = retrieval(model, tokenizer, data)
    assert set(result) == {"seen_en", "seen_zh", "held_out_en", "held_out_zh"}
    assert all(0.0 <= r["1"] <= r["5"] <= 1.0 for r in result.values())


def test_any_number_of_steps_trains():
    data, tokenizer = constructed_edition(40), train_tokenizer(training_corpus())
    for steps in (1, 2, 3, 10):
        _, losses = train_clip(data, tokenizer, steps=steps, batch_size=8, cfg=small(tokenizer), progress=False)
        assert len(losses) == steps
