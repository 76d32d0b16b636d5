"""The git SHA a report carries: the one its inputs recorded (each writer stores the SHA of the build
that wrote it), not the SHA of the tree the report is written from -- and, when the inputs were
written by different builds, each SHA with the inputs that recorded it."""


def count(sources):
    return f"{len(sources)} input" + ("s" if len(sources) != 1 else "")


def sha_line(found):
    """found: [(source, git SHA or None)] -> "git abc1234, as recorded by its 12 inputs", or the SHAs
    side by side when they disagree."""
    by_sha = {}
    for source, sha in found:
        if sha:
            by_sha.setdefault(sha, []).append(source)
    if not by_sha:
        return "git SHA not recorded by its inputs"
    if len(by_sha) == 1:
        sha, sources = next(iter(by_sha.items()))
        return f"git {sha}, as recorded by its {count(sources)}"

    def inputs(s):  # a full study has hundreds of inputs: name a few
        return ", ".join(s[:3]) + (", …" if len(s) > 3 else "")
    return "inputs recorded different git SHAs: " + "; ".join(
        f"{sha} ({count(s)}: {inputs(s)})" for sha, s in sorted(by_sha.items()))
