"""course_lib.exercises.lesson01: the checks pass on the reference and explain the usual mistakes."""

import torch

from course_lib.exercises import lesson01


def not_written(*args):
    raise NotImplementedError


def assert_fails_with(result, text):
    assert not result, f"expected FAIL, got {result!r}"
    assert text in repr(result), f"{text!r} not in {result!r}"


# --- exercise 1: uint8 -> [-1, 1] ---

def test_to_signed_reference_passes():
    result = lesson01.check_to_signed(lesson01.reference_to_signed)
    assert result and repr(result).startswith("PASS to_signed")
    assert lesson01.check_to_signed(lambda images: images.float().unsqueeze(1) / 127.5 - 1)


def test_to_signed_mistakes():
    check = lesson01.check_to_signed
    assert_fails_with(check(not_written), "not written yet")
    assert_fails_with(check(lambda im: im.float().unsqueeze(1) / 255), "in [0, 1]")
    assert_fails_with(check(lambda im: im.float() / 127.5 - 1), "channel dimension")
    assert_fails_with(check(lambda im: im.unsqueeze(1) // 127 - 1), "Convert to float")
    assert_fails_with(check(lambda im: 1 - im.float().unsqueeze(1) / 127.5), "inverted")
    assert_fails_with(check(lambda im: im.float().unsqueeze(1) / 128 - 1), "not 128")


# --- exercise 2: translate ---

def good_translate(x, dx, dy, fill=-1.0):
    out = torch.full_like(x, fill)
    h, w = x.shape[-2:]
    if abs(dx) >= w or abs(dy) >= h:
        return out
    out[..., max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \
        x[..., max(-dy, 0):h - max(dy, 0), max(-dx, 0):w - max(dx, 0)]
    return out


def test_translate_reference_and_a_handwritten_version_pass():
    assert lesson01.check_translate(lesson01.reference_translate)
    assert lesson01.check_translate(good_translate)


def test_translate_mistakes():
    check = lesson01.check_translate
    assert_fails_with(check(not_written), "not written yet")
    assert_fails_with(check(lambda x, dx, dy: good_translate(x, -dx, -dy)), "opposite way")
    assert_fails_with(check(lambda x, dx, dy: good_translate(x, dy, dx)), "swapped the axes")
    assert_fails_with(check(lambda x, dx, dy: good_translate(x, dx, dy, fill=0.0)), "instead of the background -1")
    assert_fails_with(check(lambda x, dx, dy: torch.roll(x, (dy, dx), (2, 3))), "wraps pixels around")

    def minus_zero_slice(x, dx, dy):  # the classic `a[:-0]` bug, correct for non-zero shifts
        out = torch.full_like(x, -1.0)
        if dx >= 0 and dy >= 0:
            out[..., dy:, dx:] = x[..., :-dy, :-dx]
            return out
        return good_translate(x, dx, dy)

    assert_fails_with(check(minus_zero_slice), "a[:-0]")

    def breaks_on_big_shift(x, dx, dy):
        if abs(dx) >= x.shape[-1]:
            return x.clone()
        return good_translate(x, dx, dy)

    assert_fails_with(check(breaks_on_big_shift), "as large as the image")


# --- exercise 3: cutout ---

def good_cutout(x, top, left, size, fill=-1.0):
    out = x.clone()
    out[..., max(top, 0):max(top + size, 0), max(left, 0):max(left + size, 0)] = fill
    return out


def test_cutout_reference_and_a_handwritten_version_pass():
    assert lesson01.check_cutout(lesson01.reference_cutout)
    assert lesson01.check_cutout(good_cutout)


def test_cutout_mistakes():
    check = lesson01.check_cutout
    assert_fails_with(check(not_written), "not written yet")
    assert_fails_with(check(lambda x, t, l, s: good_cutout(x, t, l, s, fill=0.0)), "instead of the background -1")
    assert_fails_with(check(lambda x, t, l, s: good_cutout(x, l, t, s)), "swapped top and left")
    assert_fails_with(check(lambda x, t, l, s: good_cutout(x, t, l, s + 1)), "off by one")

    def python_slicing(x, top, left, size):  # negative top wraps to the end
        out = x.clone()
        out[..., top:top + size, left:left + size] = -1.0
        return out

    assert_fails_with(check(python_slicing), "max(top, 0)")
    assert_fails_with(check(lambda x, t, l, s: x), "Nothing changed")


def test_a_crashing_function_fails_without_raising():
    result = lesson01.check_cutout(lambda x, t, l, s: x[..., 99])
    assert_fails_with(result, "raised IndexError")
