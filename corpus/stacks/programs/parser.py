"""A recursive-descent parser whose precedence levels share one helper, `binary`, the shape
of many hand-written parsers: or_expr -> binary(and_expr) -> and_expr -> binary(not_expr) ...
The call graph folds every level into `binary`; the stacks must keep each level's
cumulative time. Deterministic input (nested parentheses give real recursion)."""
import sys


def tokenize(text):
    tokens = []
    i = 0
    while i < len(text):
        c = text[i]
        if c.isspace():
            i += 1
        elif c.isdigit():
            j = i
            while j < len(text) and text[j].isdigit():
                j += 1
            tokens.append(("num", int(text[i:j])))
            i = j
        elif c.isalpha():
            j = i
            while j < len(text) and text[j].isalpha():
                j += 1
            tokens.append(("name", text[i:j]))
            i = j
        else:
            two = text[i:i + 2]
            if two in ("==", "!=", "<=", ">="):
                tokens.append(("op", two))
                i += 2
            else:
                tokens.append(("op", c))
                i += 1
    tokens.append(("end", None))
    return tokens


class Parser:
    def __init__(self, tokens):
        self.tokens = tokens
        self.pos = 0

    def peek(self):
        return self.tokens[self.pos]

    def take(self):
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def binary(self, operand, operators):
        left = operand()
        while self.peek()[0] in ("op", "name") and self.peek()[1] in operators:
            op = self.take()[1]
            right = operand()
            left = (op, left, right)
        return left

    def expr(self):
        return self.or_expr()

    def or_expr(self):
        return self.binary(self.and_expr, ("or",))

    def and_expr(self):
        return self.binary(self.not_expr, ("and",))

    def not_expr(self):
        if self.peek() == ("name", "not"):
            self.take()
            return ("not", self.not_expr())
        return self.comparison()

    def comparison(self):
        return self.binary(self.sum, ("==", "!=", "<", ">", "<=", ">="))

    def sum(self):
        return self.binary(self.term, ("+", "-"))

    def term(self):
        return self.binary(self.factor, ("*", "/", "%"))

    def factor(self):
        if self.peek() == ("op", "-"):
            self.take()
            return ("neg", self.factor())
        return self.atom()

    def atom(self):
        kind, value = self.take()
        if kind == "num":
            return value
        if kind == "name":
            return ("var", value)
        if value == "(":
            inner = self.expr()
            self.take()
            return inner
        raise SyntaxError(value)


def evaluate(node, env):
    if isinstance(node, int):
        return node
    if node[0] == "var":
        return env.get(node[1], 0)
    if node[0] == "neg":
        return -evaluate(node[1], env)
    if node[0] == "not":
        return int(not evaluate(node[1], env))
    a = evaluate(node[1], env)
    b = evaluate(node[2], env)
    op = node[0]
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "/":
        return a // b if b else 0
    if op == "%":
        return a % b if b else 0
    if op == "and":
        return int(bool(a) and bool(b))
    if op == "or":
        return int(bool(a) or bool(b))
    return int({"==": a == b, "!=": a != b, "<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op])


def source(depth, seed):
    """A deterministic expression nesting `depth` parentheses."""
    state = seed
    parts = []
    for k in range(6):
        state = (state * 1103515245 + 12345) % 2147483648
        if depth > 0 and state % 3 == 0:
            parts.append("(" + source(depth - 1, state) + ")")
        else:
            parts.append(str(state % 97) if state % 5 else "x")
    ops = ["+", "*", "-", "and", "<", "or"]
    out = parts[0]
    for k in range(1, len(parts)):
        out += " " + ops[(seed + k) % len(ops)] + " " + parts[k]
    return out


def main():
    total = 0
    for seed in range(40):
        text = source(4, seed + 1)
        tree = Parser(tokenize(text)).expr()
        total += evaluate(tree, {"x": seed})
    return total


if __name__ == "__main__":
    sys.stdout.write("%d\n" % main())
