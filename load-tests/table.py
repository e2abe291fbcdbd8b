#!/usr/bin/env python3
"""Reads bench.sh's raw outputs (wrk RESULT lines, ProducerPerformance's summary) and prints the Markdown table;
also writes table.csv beside them for the chart."""
import pathlib
import re
import sys

out = pathlib.Path(sys.argv[1])
raw = out / "raw"


def result(path):
    line = next(l for l in path.read_text().splitlines() if l.startswith("RESULT "))
    fields = dict(pair.split("=") for pair in line.split()[1:])
    return {key: int(value) for key, value in fields.items()}


def durable_per_second(r):
    # Only answered 2xx sends count: a 503 or a timeout stored nothing.
    return (r["requests"] - r["non2xx"]) / (r["duration_us"] / 1e6)


steps = sorted(int(p.stem.split("-")[1]) for p in raw.glob("send-*.txt"))
rows, csv = [], ["connections,durable_sends_per_s,p50_ms,p99_ms,http_limit_per_s,errors"]
base = None
for c in steps:
    send, limit = result(raw / f"send-{c}.txt"), result(raw / f"limit-{c}.txt")
    rate, limit_rate = durable_per_second(send), durable_per_second(limit)
    base = base or rate
    socket = send["connect"] + send["read"] + send["write"] + send["timeout"]
    rows.append(f"| {c} | {rate:,.0f} | {send['p50_us'] / 1000:.1f} | {send['p99_us'] / 1000:.1f} "
                f"| {socket} ({send['connect']}/{send['read']}/{send['write']}/{send['timeout']}) | {send['non2xx']} "
                f"| {limit_rate:,.0f} | {rate / limit_rate:.2f} | {rate / base:.2f} |")
    csv.append(f"{c},{rate:.0f},{send['p50_us'] / 1000:.2f},{send['p99_us'] / 1000:.2f},{limit_rate:.0f},{socket + send['non2xx']}")

print("| connections | durable sends/s | p50 ms | p99 ms | socket errors (connect/read/write/timeout) | non-2xx "
      "| HTTP limit req/s | send / HTTP limit | send at N / send at 100 |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
print("\n".join(rows))
kafka = (raw / "kafka.txt").read_text()
summary = re.findall(r"^\d+ records sent, ([\d.]+) records/sec .*?([\d.]+) ms 50th, [\d.]+ ms 95th, ([\d.]+) ms 99th",
                     kafka, re.M)
if summary:
    per_second, p50, p99 = summary[-1]
    print(f"\nKafka limit (ProducerPerformance, same broker, acks=all): {float(per_second):,.0f} records/s, "
          f"p50 {p50} ms, p99 {p99} ms")
ended = (raw / "ended.txt").read_text().strip() if (raw / "ended.txt").exists() else ""
print(f"\n{ended}")
(out / "table.csv").write_text("\n".join(csv) + "\n")
