"""course_lib.commands.args: every numeric flag of every command refuses inf, nan, zero and negatives clearly."""

import argparse

import pytest

from course_lib.commands import args as arg_types
from course_lib.commands.cli import build_parser, main

NUMERIC = {"count", "positive", "seed", "fraction"}


def numeric_flags():
    """(command, flag, type) for every option of every subcommand (``train KIND`` for each kind) whose values are
    numbers."""
    found = []

    def walk(parser, words):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, [*words, name])
            elif action.type in (int, float) or getattr(action.type, "__module__", "") == arg_types.__name__:
                found.append((" ".join(words), action.option_strings[0], action.type.__name__))

    walk(build_parser(), [])
    return found


def test_no_numeric_flag_takes_a_bare_int_or_float():
    flags = numeric_flags()
    assert ("train dcgan", "--epochs", "positive") in flags and ("sample", "--n", "whole number >= 1") in flags
    assert ("train unet", "--steps", "whole number >= 1") in flags
    bare = [f for f in flags if f[2] in ("int", "float")]
    assert not bare, f"use course_lib.commands.args types for: {bare}"


@pytest.mark.parametrize("command, flag, kind", numeric_flags())
@pytest.mark.parametrize("value", ["inf", "nan", "-1", "abc"])
def test_bad_numbers_exit_2_with_the_flag_named(command, flag, kind, value, capsys):
    argv = {"sample": ["sample", "x.pt"], "evaluate": ["evaluate", "x.pt"]}.get(command, command.split())
    assert main([*argv, flag, value]) == 2
    err = capsys.readouterr().err
    assert f"argument {flag}: must be" in err and repr(value) in err or value in err
    assert "Traceback" not in err


def test_zero_is_refused_where_it_makes_no_sense_and_accepted_for_seeds():
    assert arg_types.seed("0") == 0 and arg_types.count()("3") == 3 and arg_types.positive("1e-4") == 1e-4
    assert arg_types.fraction("0.25") == 0.25 and arg_types.fraction("1") == 1.0
    for parse, value in ((arg_types.count(), "0"), (arg_types.positive, "0"), (arg_types.seed, "-2"),
                         (arg_types.fraction, "0"), (arg_types.fraction, "1.5")):
        with pytest.raises(argparse.ArgumentTypeError, match="must be"):
            parse(value)
