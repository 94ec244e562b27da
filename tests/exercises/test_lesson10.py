"""Lesson 10's self-checks: the flow loss check passes the reference and names each usual slip; the prediction
reads the shipped measurement."""

import torch

from course_lib.exercises import lesson10
from course_lib.text2img.flow import flow_matching_loss


def test_the_reference_passes_and_a_skeleton_is_not_attempted():
    assert lesson10.check_flow_loss(lambda v, x1, e, t, x0: flow_matching_loss(v, x1, e, t, x0))

    def skeleton(velocity, x1, e, t, x0):
        ...

    result = lesson10.check_flow_loss(skeleton)
    assert not result.attempted


def test_each_slip_gets_its_hint():
    def backwards(v, x1, e, t, x0):
        t4 = t.view(-1, 1, 1, 1)
        return (v(t4 * x0 + (1 - t4) * x1, t, e, None) - (x1 - x0)).square().mean()

    def reversed_target(v, x1, e, t, x0):
        t4 = t.view(-1, 1, 1, 1)
        return (v((1 - t4) * x0 + t4 * x1, t, e, None) - (x0 - x1)).square().mean()

    def bare_t(v, x1, e, t, x0):
        return (v((1 - t) * x0 + t * x1, t, e, None) - (x1 - x0)).square().mean()

    assert "runs backwards" in lesson10.check_flow_loss(backwards).message
    assert "target is reversed" in lesson10.check_flow_loss(reversed_target).message
    message = lesson10.check_flow_loss(bare_t).message
    assert "t.view(-1, 1, 1, 1)" in message and not lesson10.check_flow_loss(bare_t)


def test_the_prediction_reads_the_shipped_measurement():
    result = lesson10.comparison()
    few = next(r for r in result["steps"] if r["steps"] == lesson10.FEW_STEPS)
    truth = "flow" if few["fid"] < result["gan"]["fid"] else "gan"
    other = "gan" if truth == "flow" else "flow"
    assert lesson10.check_few_steps_prediction(truth) and not lesson10.check_few_steps_prediction(other)
    assert "ms per image" in lesson10.check_few_steps_prediction(truth).message


def test_the_toy_velocity_uses_every_input():
    x, t, e = torch.randn(2, 1, 3, 3), torch.tensor([0.2, 0.7]), torch.randn(2, 4)
    base = lesson10.toy_velocity(x, t, e)
    assert not torch.equal(base, lesson10.toy_velocity(x, t.flip(0), e))
    assert not torch.equal(base, lesson10.toy_velocity(x, t, -e))
