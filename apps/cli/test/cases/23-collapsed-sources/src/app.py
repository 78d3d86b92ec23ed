"""The small program the hand-written dialect samples here pretend to have sampled."""


def traced(function):
    def decorated(*args):
        return function(*args)
    return decorated


def logged(function):
    def decorated(*args):
        result = function(*args)
        return result
    return decorated


@traced
def work(n):
    total = 0
    for i in range(n):
        total += i * i
    return total


@logged
def report(value):
    return str(value)


def main():
    value = work(1000)
    text = report(value)
    return len(text)


main()
