"""The element of a walked scope whose text blocks weigh the most: summed up
the tree, each block's weight counting for every element holding it."""

from __future__ import annotations

from itertools import compress

from .html_blocks import Block, Walk


def heaviest(walk: Walk, blocks: list[Block], weights: list[float]) -> tuple[int, float]:
    """The element whose ``blocks`` weigh the most (``weights``), and its sum: of
    a chain with the same sum, the innermost. Each block's weight counts for
    every element holding it: summed up the tree in one backward pass."""
    totals = [0.0] * len(walk.nodes)
    for block, weight in zip(blocks, weights, strict=True):
        totals[block.index] += weight
    parents = walk.parents
    # Only sums not zero pass on, told at C speed: the reversed view reads each
    # sum when reached, after the elements inside it (later) added theirs. The
    # greatest sum above zero is kept as it is met, the last one holding it
    # first (a pass over every element's sum for it costs more).
    top, best = 0.0, -1
    for i in compress(range(len(totals) - 1, 0, -1), reversed(totals)):
        total = totals[i]
        if total > top:
            top, best = total, i
        totals[parents[i]] += total
    if totals[0] > top:
        return 0, totals[0]
    if best > 0:
        return best, top
    # No sum above zero: the last element holding the greatest (at C speed).
    top = max(totals)
    best = len(totals) - 1 - totals[::-1].index(top)
    return best, totals[best]
