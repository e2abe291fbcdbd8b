# What an SSE reader holds, by class, from the class histograms reader-heap.sh keeps beside its result: per reader,
# the gateway's against the trivial app's in one run, or the gateway's in one run against another's (an A/B):
#   python3 load-tests/histo-diff.py load-tests/results/reader-heap-<run>                # gateway against trivial app
#   python3 load-tests/histo-diff.py load-tests/results/reader-heap-<a> load-tests/results/reader-heap-<b>  # a -> b
# or, given two class histograms (jcmd GC.class_histogram) of one JVM, what grew from the first to the second:
#   python3 load-tests/histo-diff.py --grown <earlier histogram> <later histogram>     # as churn-heap.sh prints it
# Lambdas and hidden classes are counted by their defining class (their names differ from one JVM to the next).
import re
import sys

ROWS = 40
LINE = re.compile(r"\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)")


def histogram(path):
    classes = {}
    for line in open(path):
        match = LINE.match(line)
        if match:
            name = re.sub(r"/0x[0-9a-f]+", "", re.sub(r"\$\$Lambda.*", "$$Lambda", match.group(3)))
            count, size = classes.get(name, (0, 0))
            classes[name] = (count + int(match.group(1)), size + int(match.group(2)))
    return classes


def per_reader(run, app):
    readers = int(re.search(r"readers=(\d+)", open(f"{run}/result.txt").read()).group(1))
    before, after = histogram(f"{run}/{app}-before.histo"), histogram(f"{run}/{app}-after.histo")
    return {name: ((after.get(name, (0, 0))[0] - before.get(name, (0, 0))[0]) / readers,
                   (after.get(name, (0, 0))[1] - before.get(name, (0, 0))[1]) / readers)
            for name in set(before) | set(after)}


def grown(earlier, later):
    a, b = histogram(earlier), histogram(later)
    total = sum(v[1] for v in b.values()) - sum(v[1] for v in a.values())
    print(f"{total:+,} bytes in live objects; the classes that grew most:")
    for name in sorted(set(a) | set(b), key=lambda n: -(b.get(n, (0, 0))[1] - a.get(n, (0, 0))[1]))[:15]:
        (ca, sa), (cb, sb) = a.get(name, (0, 0)), b.get(name, (0, 0))
        print(f"{cb - ca:+12,} objects {sb - sa:+14,} bytes  {name}")


def main():
    if sys.argv[1] == "--grown":
        grown(sys.argv[2], sys.argv[3])
        return
    if len(sys.argv) == 2:
        a, b, labels = per_reader(sys.argv[1], "trivial"), per_reader(sys.argv[1], "gateway"), ("trivial", "gateway")
    else:
        a, b, labels = per_reader(sys.argv[1], "gateway"), per_reader(sys.argv[2], "gateway"), ("a", "b")
    total_a, total_b = sum(v[1] for v in a.values()), sum(v[1] for v in b.values())
    print(f"bytes per reader: {labels[0]} {total_a:,.0f}, {labels[1]} {total_b:,.0f}, difference {total_b - total_a:+,.0f}")
    print(f"{labels[0] + ' objects':>15} {'bytes':>7} | {labels[1] + ' objects':>15} {'bytes':>7} | {'diff':>6}  class")
    names = sorted(set(a) | set(b), key=lambda n: -abs(b.get(n, (0, 0))[1] - a.get(n, (0, 0))[1]))
    for name in names[:ROWS]:
        (ca, sa), (cb, sb) = a.get(name, (0, 0)), b.get(name, (0, 0))
        print(f"{ca:15.2f} {sa:7.0f} | {cb:15.2f} {sb:7.0f} | {sb - sa:+6.0f}  {name}")


main()
