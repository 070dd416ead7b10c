"""Choosing the active branch of a session stored as a tree (OpenClaw/pi ``parentId``, Claude Code ``parentUuid``).

Both harnesses append every entry to one file and let the user branch (edit a
prompt, rewind, ``/tree``); the conversation that counts is the path from the
root to the active leaf. Only the subtrees that start an alternative branch are
dropped, so a broken or quirky parent link never costs the rest of the session.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Node:
    id: str
    parent: str | None
    starts_branch: bool = True
    """Whether this entry, as one of several children, marks a real branch (e.g. an edited prompt)."""


def abandoned_ids(nodes: Iterable[Node], leaf: str | None) -> set[str]:
    """Ids of the entries on branches other than the one ending at ``leaf``."""
    children: dict[str, list[Node]] = {}
    parents: dict[str, str | None] = {}
    for node in nodes:
        parents[node.id] = node.parent
        if node.parent is not None:
            children.setdefault(node.parent, []).append(node)
    forks = {parent: kids for parent, kids in children.items() if sum(kid.starts_branch for kid in kids) > 1}
    if not forks or leaf is None:
        return set()
    active = _ancestors(leaf, parents)
    dropped: set[str] = set()
    for kids in forks.values():
        for kid in kids:
            if kid.starts_branch and kid.id not in active:
                dropped |= _subtree(kid.id, lambda node_id: [c.id for c in children.get(node_id, ())])
    return dropped - active


def _ancestors(leaf: str, parents: dict[str, str | None]) -> set[str]:
    path: set[str] = set()
    current: str | None = leaf
    while current is not None and current not in path:
        path.add(current)
        current = parents.get(current)
    return path


def _subtree(root: str, children_of: Callable[[str], list[str]]) -> set[str]:
    found = {root}
    stack = [root]
    while stack:
        for child in children_of(stack.pop()):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found
