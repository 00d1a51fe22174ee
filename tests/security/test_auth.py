"""Bearer tokens are compared in constant time, every configured token every time."""

from __future__ import annotations

import ast
import hmac
import inspect
import textwrap
from unittest import mock

import pytest

from services.ingest import auth
from shared.problems import Problem

TOKENS = (b"first-token-0123456789", b"second-token-0123456789", b"third-token-0123456789")


def test_tokens_are_compared_with_hmac_compare_digest() -> None:
    with mock.patch.object(auth.hmac, "compare_digest", wraps=hmac.compare_digest) as compare:
        assert auth.authenticate("Bearer first-token-0123456789", TOKENS) == auth.token_label(
            TOKENS[0]
        )
        # A match on the first token still compares the others: timing does not
        # tell which token matched, or how many there are before it.
        assert compare.call_count == len(TOKENS)
        compare.reset_mock()
        with pytest.raises(Problem) as refused:
            auth.authenticate("Bearer first-token-0123456780", TOKENS)
        assert refused.value.status == 401
        assert compare.call_count == len(TOKENS)
        offered = {call.args[0] for call in compare.call_args_list}
        assert offered == {b"first-token-0123456780"}


def test_no_other_comparison_touches_a_token() -> None:
    """No ``==``, ``in`` or the like on the offered or a configured token."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(auth.authenticate)))
    compared = {
        node.id
        for cmp in ast.walk(tree)
        if isinstance(cmp, ast.Compare)
        for operand in (cmp.left, *cmp.comparators)
        for node in ast.walk(operand)
        if isinstance(node, ast.Name)
    }
    assert compared.isdisjoint({"offered", "token", "tokens"}), compared


def test_label_does_not_reveal_the_token() -> None:
    label = auth.token_label(TOKENS[0])
    assert len(label) == 8 and label not in TOKENS[0].decode()
