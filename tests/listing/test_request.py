"""course_lib.listing.request: what a request asks, the refusals, --change, and re-describing one word."""

import pytest

from course_lib.listing.request import RequestError, parse_change, read_request, redescribe
from course_lib.text2img.attributes import VALUES


def test_a_request_names_its_attributes_in_either_language(model):
    zh = read_request(model, "红色宽松连衣裙")
    assert zh.asked == {"category": 3, "colour": VALUES["colour"].index("red"), "width": 2} and zh.language == "zh"
    en = read_request(model, "a dark wide coat")
    assert en.asked == {"category": 4, "tone": 0, "width": 2} and en.language == "en"


@pytest.mark.parametrize("prompt, message", [
    ("", "the prompt is empty"), ("   ", "the prompt is empty"),
    ("qwzx blorf", "none of the words"),
    ("a red one", "names no product the model knows"),
    ("a dark light dress", "contradicts itself (tone: 'light' and 'dark')"),
])
def test_what_a_listing_cannot_be_made_from_is_refused(model, prompt, message):
    with pytest.raises(RequestError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_request(model, prompt)


def test_parse_change_reads_english_chinese_and_synonyms():
    assert parse_change("colour=blue") == ("colour", VALUES["colour"].index("blue"))
    assert parse_change("颜色=蓝色") == ("colour", VALUES["colour"].index("blue"))
    assert parse_change("Color = Blue") == ("colour", VALUES["colour"].index("blue"))
    assert parse_change("width=loose fit") == ("width", 2) and parse_change("版型=修身") == ("width", 0)
    assert parse_change("category=短靴") == ("category", 9)
    with pytest.raises(RequestError, match="attribute 'size', which the model does not know; known: category"):
        parse_change("size=XL")
    with pytest.raises(RequestError, match="'teal' is not a colour the model knows; known: red, orange"):
        parse_change("colour=teal")
    with pytest.raises(RequestError, match="ATTRIBUTE=VALUE"):
        parse_change("blue")


def test_redescribe_changes_one_word_in_place_or_adds_it(model):
    assert redescribe(read_request(model, "红色宽松连衣裙"), "colour", 4) == "蓝色宽松连衣裙"
    assert redescribe(read_request(model, "a red dress, loose fit"), "colour", 1) == "an orange dress, loose fit"
    assert redescribe(read_request(model, "a wide dress"), "pattern", 1) == "a wide patterned dress"
    assert redescribe(read_request(model, "一条连衣裙"), "tone", 0) == "一条深色连衣裙"
    assert redescribe(read_request(model, "a dark coat"), "category", 9) == "a dark ankle boot"
