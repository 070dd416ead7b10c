"""Choosing the active branch of a session stored as a tree (OpenClaw/pi ``parentId``, Claude Code ``parentUuid``).

Both harnesses append every entry to one file and let the user branch (edit a
prompt, rewind, ``/tree``); the conversation that counts is the path from the
root to the active leaf. Only the subtrees that start an alternative branch are
dropped, so a broken or quirky parent link never costs the rest of the session.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable


def abandoned_ids(
    parents: dict[str, str | None], leaf: str | None, starts_branch: Callable[[str], bool] = lambda _: True
) -> set[str]:
    """Ids of the entries on branches other than the one ending at ``leaf``.

    Args:
        parents: every entry's id and its parent's id, in file order.
        leaf: the last entry of the active branch.
        starts_branch: whether an entry, as one of several children, is a real branch (e.g. an edited
            prompt) rather than a side entry; asked only about children of a fork.
    """
    shared = {parent for parent, count in Counter(parents.values()).items() if count > 1 and parent is not None}
    if not shared or leaf is None:
        return set()  # the common case, decided without building the tree
    children: dict[str, list[str]] = {}
    for node, parent in parents.items():
        if parent is not None:
            children.setdefault(parent, []).append(node)
    active = _ancestors(leaf, parents)
    dropped: set[str] = set()
    for parent in shared:
        branches = [kid for kid in children[parent] if starts_branch(kid)]
        if len(branches) > 1:
            for kid in branches:
                if kid not in active:
                    dropped |= _subtree(kid, children)
    return dropped - active


def _ancestors(leaf: str, parents: dict[str, str | None]) -> set[str]:
    path: set[str] = set()
    current: str | None = leaf
    while current is not None and current not in path:
        path.add(current)
        current = parents.get(current)
    return path


def _subtree(root: str, children: dict[str, list[str]]) -> set[str]:
    found = {root}
    stack = [root]
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found
