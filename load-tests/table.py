#!/usr/bin/env python3
"""Reads bench.sh's raw outputs (wrk RESULT lines, ProducerPerformance's summary) and prints the Markdown tables: every
gateway route at each step, as a ratio of the trivial app (GET routes to its GET /ping, sends to its POST), then the
Kafka limit. Also writes table.csv beside them for the chart."""
import pathlib
import re
import sys

out = pathlib.Path(sys.argv[1])
raw = out / "raw"

# What each route must answer to count: 2xx, except the unknown stream, whose right answer is 404.
EXPECTED_NON_2XX = {"not-found"}
POST_ROUTES = {"send", "batch"}
CHUNKS_PER_REQUEST = {"batch": 10}


def result(path):
    line = next(l for l in path.read_text().splitlines() if l.startswith("RESULT "))
    fields = dict(pair.split("=") for pair in line.split()[1:])
    return {key: int(value) for key, value in fields.items()}


def runs(target):
    found = {}
    for path in raw.glob(f"{target}-*-*.txt"):
        _, rest = path.stem.split("-", 1)
        route, connections = rest.rsplit("-", 1)
        found[(route, int(connections))] = result(path)
    return found


def answered_per_second(r, route):
    counted = r["requests"] if route in EXPECTED_NON_2XX else r["requests"] - r["non2xx"]
    return counted / (r["duration_us"] / 1e6)


def socket_errors(r):
    return r["connect"] + r["read"] + r["write"] + r["timeout"]


trivial, gateway = runs("trivial"), runs("gateway")
steps = sorted({c for _, c in gateway} | {c for _, c in trivial})
routes = [r for r in ["status", "liveness", "send", "batch", "results-json", "not-found"] if any(k[0] == r for k in gateway)]

print("HTTP limit (trivial WebFlux app, same run, same wrk):\n")
print("| connections | GET /ping req/s | p99 ms | POST send req/s | p99 ms | socket errors |")
print("|---:|---:|---:|---:|---:|---:|")
for c in steps:
    get, post = trivial.get(("get", c)), trivial.get(("post", c))
    if get and post:
        print(f"| {c} | {answered_per_second(get, 'get'):,.0f} | {get['p99_us'] / 1000:.1f} "
              f"| {answered_per_second(post, 'post'):,.0f} | {post['p99_us'] / 1000:.1f} "
              f"| {socket_errors(get) + socket_errors(post)} |")

print("\nGateway, every route (ratio = req/s over the trivial app's GET or POST at the same step):\n")
print("| route | connections | req/s | chunks/s | p50 ms | p99 ms | socket errors (c/r/w/t) | wrong status | ratio to trivial |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
csv = ["route,connections,req_per_s,p99_ms,ratio,errors"]
for route in routes:
    for c in steps:
        r = gateway.get((route, c))
        if not r:
            continue
        rate = answered_per_second(r, route)
        base = trivial.get(("post" if route in POST_ROUTES else "get", c))
        ratio = rate / answered_per_second(base, "post" if route in POST_ROUTES else "get") if base else float("nan")
        wrong = r["requests"] - r["non2xx"] if route in EXPECTED_NON_2XX else r["non2xx"]
        chunks = f"{rate * CHUNKS_PER_REQUEST[route]:,.0f}" if route in CHUNKS_PER_REQUEST else (
            f"{rate:,.0f}" if route == "send" else "")
        print(f"| {route} | {c} | {rate:,.0f} | {chunks} | {r['p50_us'] / 1000:.1f} | {r['p99_us'] / 1000:.1f} "
              f"| {socket_errors(r)} ({r['connect']}/{r['read']}/{r['write']}/{r['timeout']}) | {wrong} "
              f"| {ratio:.2f} |")
        csv.append(f"{route},{c},{rate:.0f},{r['p99_us'] / 1000:.2f},{ratio:.3f},{socket_errors(r) + wrong}")
for name, key in (("trivial-get", "get"), ("trivial-post", "post")):
    for c in steps:
        r = trivial.get((key, c))
        if r:
            csv.append(f"{name},{c},{answered_per_second(r, key):.0f},{r['p99_us'] / 1000:.2f},1,{socket_errors(r)}")

kafka = (raw / "kafka.txt").read_text() if (raw / "kafka.txt").exists() else ""
summary = re.findall(r"^\d+ records sent, ([\d.]+) records/sec .*?([\d.]+) ms 50th, [\d.]+ ms 95th, ([\d.]+) ms 99th",
                     kafka, re.M)
if summary:
    per_second, p50, p99 = summary[-1]
    print(f"\nKafka limit (ProducerPerformance, same broker, acks=all, idempotent): {float(per_second):,.0f} records/s, "
          f"p50 {p50} ms, p99 {p99} ms")
ended = (raw / "ended.txt").read_text().strip() if (raw / "ended.txt").exists() else ""
print(f"\n{ended}")
(out / "table.csv").write_text("\n".join(csv) + "\n")
