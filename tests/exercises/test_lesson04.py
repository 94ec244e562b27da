"""course_lib.exercises.lesson04: the reference passes, common gradient-penalty mistakes fail with a hint."""

import torch

from course_lib.exercises.lesson04 import check_gradient_penalty


def correct(critic, real, fake, eps, weight=10.0):
    e = eps.reshape(-1, 1, 1, 1)
    x = (e * real + (1 - e) * fake).requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(x).sum(), x, create_graph=True)
    return weight * (grad.flatten(1).norm(dim=1) - 1).pow(2).mean()


def with_norm(norm_fn, create_graph=True, mix=lambda eps: eps.reshape(-1, 1, 1, 1)):
    def fn(critic, real, fake, eps, weight=10.0):
        e = mix(eps)
        x = (e * real + (1 - e) * fake).requires_grad_(True)
        (grad,) = torch.autograd.grad(critic(x).sum(), x, create_graph=create_graph)
        return norm_fn(grad, weight)
    return fn


def test_reference_passes_and_unwritten_fails():
    assert check_gradient_penalty(correct)
    def unwritten(critic, real, fake, eps, weight=10.0):
        raise NotImplementedError
    result = check_gradient_penalty(unwritten)
    assert not result and "not written yet" in repr(result)


def test_mistakes_get_their_hints():
    cases = {
        "one norm over the whole batch": with_norm(lambda g, w: w * (g.norm() - 1) ** 2),
        "over dim=1 only": with_norm(lambda g, w: w * (g.norm(dim=1) - 1).pow(2).mean()),
        "squared norm": with_norm(lambda g, w: w * (g.flatten(1).pow(2).sum(1) - 1).pow(2).mean()),
        "Multiply by the weight": with_norm(lambda g, w: (g.flatten(1).norm(dim=1) - 1).pow(2).mean()),
        "one-sided": with_norm(lambda g, w: w * torch.relu(g.flatten(1).norm(dim=1) - 1).pow(2).mean()),
        "create_graph=True": with_norm(lambda g, w: w * (g.flatten(1).norm(dim=1) - 1).pow(2).mean(), False),
        "eps weighs the REAL": with_norm(lambda g, w: w * (g.flatten(1).norm(dim=1) - 1).pow(2).mean(),
                                         mix=lambda eps: 1 - eps.reshape(-1, 1, 1, 1)),
        "along the image width": with_norm(lambda g, w: w * (g.flatten(1).norm(dim=1) - 1).pow(2).mean(),
                                           mix=lambda eps: eps),
    }
    for phrase, fn in cases.items():
        result = check_gradient_penalty(fn)
        assert not result and phrase in repr(result), (phrase, repr(result))


def test_forgetting_requires_grad_is_explained():
    def no_requires_grad(critic, real, fake, eps, weight=10.0):
        e = eps.reshape(-1, 1, 1, 1)
        x = e * real + (1 - e) * fake
        (grad,) = torch.autograd.grad(critic(x).sum(), x, create_graph=True)
        return weight * (grad.flatten(1).norm(dim=1) - 1).pow(2).mean()

    result = check_gradient_penalty(no_requires_grad)
    assert not result and "requires_grad_(True)" in repr(result)
