# One line on one run of latency-breakdown.sh, from the snapshots it took before and after the run:
#   python3 load-tests/latency-breakdown.py load-tests/results/latency-<time> <run>
# The gateway's CPU and the box's, the processor's commits (count, results each, the commit timer's percentiles as the
# upper bounds of its histogram's buckets) and the broker's transactional requests and CONCURRENT_TRANSACTIONS answers;
# then, on a line of its own, where the broker's transactional requests spent their time, in mean ms per request.
import os
import re
import sys

COMMITS = "streamgate_processing_commits_seconds"
RESULTS = "streamgate_processing_commit_results"
SAMPLE = re.compile(r"([a-zA-Z_:]+)(\{[^}]*\})? (\S+)$")
# Kafka's request metrics' phases, as BrokerRequests names them, in a request's order.
PHASES = {"RequestQueueTimeMs": "queue", "LocalTimeMs": "local", "RemoteTimeMs": "remote",
          "ResponseQueueTimeMs": "response queue", "ResponseSendTimeMs": "send"}
TRANSACTIONAL = ("Produce", "AddPartitionsToTxn", "TxnOffsetCommit", "EndTxn")


def prometheus(path):
    samples = {}
    for line in open(path):
        match = SAMPLE.match(line.strip())
        if match and not line.startswith("#"):
            samples[(match.group(1), match.group(2) or "")] = float(match.group(3))
    return samples


def counters(path):
    return {kind: int(count) for kind, count in (line.split() for line in open(path) if line.strip())}


def quantile(buckets, q):
    total = buckets[-1][1]
    return next(bound for bound, count in buckets if count >= q * total)


def main(out, run):
    def read(kind, reader, name):
        return reader(f"{out}/{kind}-{run}-before.{name}"), reader(f"{out}/{kind}-{run}-after.{name}")

    before, after = read("prometheus", prometheus, "txt")
    delta = {key: value - before.get(key, 0) for key, value in after.items()}
    commits = delta.get((COMMITS + "_count", ""), 0)
    buckets = sorted((float("inf") if bound == "+Inf" else float(bound), count)
                     for (name, labels), count in delta.items() if name == COMMITS + "_bucket"
                     for bound in re.findall(r'le="([^"]+)"', labels))
    results = delta.get((RESULTS + "_sum", ""), 0)

    broker_before, broker_after = read("broker", counters, "txt")
    broker = {kind: count - broker_before.get(kind, 0) for kind, count in broker_after.items()}
    conflicts = {kind.split(":")[1]: count for kind, count in broker.items()
                 if kind.endswith(":CONCURRENT_TRANSACTIONS") and count}
    # A transaction with offsets sends them at least once, one without none: more requests than transactions is a
    # lower bound of the offsets sent again, not a count of them.
    offsets = broker.get("requests:TxnOffsetCommit", 0)
    transactions = broker.get("requests:EndTxn", 0)

    cpu_before, cpu_after = read("cpu", lambda path: open(path).read().split(), "txt")
    jvm_ticks = int(cpu_after[0]) - int(cpu_before[0])
    box = [int(a) - int(b) for a, b in zip(cpu_after[2:10], cpu_before[2:10])]
    seconds = sum(box) / 100 / os.cpu_count()
    idle = box[3] + box[4]

    print(f"run {run}: gateway {jvm_ticks / 100 / seconds:.2f} cores, box {100 * (1 - idle / sum(box)):.0f}% busy;"
          f" commits {commits:,.0f} ({commits / seconds:.0f}/s, {results / max(commits, 1):.0f} results each):"
          f" p50 <= {1000 * quantile(buckets, .5):.1f} ms, p90 <= {1000 * quantile(buckets, .9):.1f},"
          f" p99 <= {1000 * quantile(buckets, .99):.1f}, mean"
          f" {1000 * delta.get((COMMITS + '_sum', ''), 0) / max(commits, 1):.1f};"
          f" TxnOffsetCommit {offsets:,} for {transactions:,} EndTxn; CONCURRENT_TRANSACTIONS answers by request"
          f" {conflicts}")
    print(f"run {run}: broker ms per request, " + "; ".join(phases(broker, request) for request in TRANSACTIONAL))


def phases(broker, request):
    """'<request> <total> (queue q, local l, ...)': mean ms per request of the run in each phase."""
    count = max(broker.get(f"requests:{request}", 0), 1)
    spent = {label: broker.get(f"millis:{request}:{phase}", 0) / count for phase, label in PHASES.items()}
    return (f"{request} {broker.get(f'millis:{request}:TotalTimeMs', 0) / count:.2f} ("
            + ", ".join(f"{label} {ms:.2f}" for label, ms in spent.items()) + ")")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
