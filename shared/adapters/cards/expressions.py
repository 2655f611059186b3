"""The subset of Adaptive Expressions that WeGrow's card templates use, parsed and evaluated safely.

Supported: literals (numbers, 'single' or "double" quoted strings, true, false, null), paths
(``name``, ``a.b``, ``a[0]``, ``$root``, ``$data``, ``$index``), ``!``, ``==``, ``!=``, ``<``,
``<=``, ``>``, ``>=``, ``&&``, ``||``, ``+``, ``-``, parentheses and the functions ``count``,
``empty``, ``not`` and ``if``. Anything else raises :class:`ExpressionError`: templates are ours,
so an unsupported construct is a bug to see at once, not a value to guess. Nothing here calls
``eval``; data values are looked up, never parsed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from shared.adapters.cards.expression_values import (
    MISSING,
    ExpressionError,
    arithmetic,
    compare,
    count,
    empty,
    equals,
    is_logic_true,
    lookup,
)

__all__ = ["MISSING", "ExpressionError", "Node", "Scope", "compile_expression", "is_logic_true", "lookup"]


_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d+)?)|(?P<str>'[^']*'|\"[^\"]*\")|(?P<name>\$?[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<op>==|!=|<=|>=|&&|\|\||[!<>+\-().,\[\]]))"
)


@dataclass(frozen=True, slots=True)
class Scope:
    """What an expression can see: the whole data (``$root``), the current ``$data`` and ``$index``."""

    root: Any
    data: Any
    index: int | None = None


def tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if match is None or match.lastgroup is None:
            raise ExpressionError(f"cannot read expression {text!r} at {pos}")
        tokens.append((match.lastgroup, match.group(match.lastgroup)))
        pos = match.end()
    return tokens


Node = Callable[[Scope], Any]

_BINARY_PRECEDENCE = {"||": 1, "&&": 2, "==": 3, "!=": 3, "<": 4, "<=": 4, ">": 4, ">=": 4, "+": 5, "-": 5}


class _Parser:
    """A small Pratt parser that turns tokens into closures over a :class:`Scope`."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.pos = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, expected: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (expected is not None and token[1] != expected):
            raise ExpressionError(f"expected {expected or 'more'} in {self.text!r}")
        self.pos += 1
        return token

    def parse(self) -> Node:
        node = self.expression(0)
        if self.peek() is not None:
            raise ExpressionError(f"unexpected {self.peek()!r} in {self.text!r}")
        return node

    def expression(self, min_precedence: int) -> Node:
        left = self.unary()
        while (token := self.peek()) and token[0] == "op" and _BINARY_PRECEDENCE.get(token[1], 0) > min_precedence:
            op = self.take()[1]
            right = self.expression(_BINARY_PRECEDENCE[op])
            left = _binary(op, left, right)
        return left

    def unary(self) -> Node:
        token = self.peek()
        if token == ("op", "!"):
            self.take()
            operand = self.unary()
            return lambda scope: not is_logic_true(operand(scope))
        if token == ("op", "("):
            self.take()
            inner = self.expression(0)
            self.take(")")
            return inner
        return self.postfix(self.primary())

    def primary(self) -> Node:
        kind, text = self.take()
        if kind == "num":
            number = float(text) if "." in text else int(text)
            return lambda scope: number
        if kind == "str":
            literal = text[1:-1]
            return lambda scope: literal
        if kind != "name":
            raise ExpressionError(f"unexpected {text!r} in {self.text!r}")
        if self.peek() == ("op", "("):
            return self.call(text)
        return _name(text)

    def call(self, function: str) -> Node:
        self.take("(")
        args: list[Node] = []
        while self.peek() != ("op", ")"):
            args.append(self.expression(0))
            if self.peek() == ("op", ","):
                self.take()
        self.take(")")
        return _function(function, args)

    def postfix(self, node: Node) -> Node:
        while (token := self.peek()) in (("op", "."), ("op", "[")):
            if token == ("op", "."):
                self.take()
                node = _member(node, self.take()[1])
            else:
                self.take()
                index = self.expression(0)
                self.take("]")
                node = _indexed(node, index)
        return node


def _name(name: str) -> Node:
    constants = {"true": True, "false": False, "null": None}
    if name in constants:
        value = constants[name]
        return lambda scope: value
    specials: dict[str, Callable[[Scope], Any]] = {
        "$root": lambda scope: scope.root,
        "$data": lambda scope: scope.data,
        "$index": lambda scope: MISSING if scope.index is None else scope.index,
    }
    if name in specials:
        return specials[name]
    if name.startswith("$"):
        raise ExpressionError(f"unsupported variable {name}")
    return lambda scope: lookup(scope.data, name)


def _member(node: Node, key: str) -> Node:
    return lambda scope: lookup(node(scope), key)


def _indexed(node: Node, index: Node) -> Node:
    return lambda scope: lookup(node(scope), index(scope))


def _binary(op: str, left: Node, right: Node) -> Node:
    if op == "&&":
        return lambda scope: is_logic_true(left(scope)) and is_logic_true(right(scope))
    if op == "||":
        return lambda scope: is_logic_true(left(scope)) or is_logic_true(right(scope))
    if op in ("==", "!="):
        negate = op == "!="
        return lambda scope: equals(left(scope), right(scope)) != negate
    if op in ("+", "-"):
        return lambda scope: arithmetic(op, left(scope), right(scope))
    return lambda scope: compare(op, left(scope), right(scope))


def _function(name: str, args: list[Node]) -> Node:
    arity = {"count": 1, "empty": 1, "not": 1, "if": 3}
    if name not in arity:
        raise ExpressionError(f"unsupported function {name}()")
    if len(args) != arity[name]:
        raise ExpressionError(f"{name}() takes {arity[name]} argument(s)")
    if name == "count":
        return lambda scope: count(args[0](scope))
    if name == "empty":
        return lambda scope: empty(args[0](scope))
    if name == "not":
        return lambda scope: not is_logic_true(args[0](scope))
    return lambda scope: args[1](scope) if is_logic_true(args[0](scope)) else args[2](scope)


def compile_expression(text: str) -> Node:
    """Parse ``text`` (the inside of ``${...}``) into a callable taking a :class:`Scope`."""
    return _Parser(text).parse()
