# What a filter stream's worst input costs the node running it: a `filter` stream whose `contains` is 4,000 'a' and a
# 'b', sent chunks of 'a' only (the shape that makes a naive search compare the whole option at every position), on
# the engine's own thread (one NDJSON batch of 7,000-byte chunks, under the 8 KB an instant step may be) and on a
# worker (1,000,000-byte chunks). For each: the gateway's CPU seconds (user + system, from /proc) from the first send
# until a last, matching chunk's result arrives, how long that took, and how long an uppercase stream's result took
# meanwhile (a bystander's). Against a jar started on the embedded broker:
#   python3 load-tests/filter-search.py <port> <the gateway's pid> <label, a prefix of the streams' ids>
import http.client
import json
import os
import sys
import time

PORT = int(sys.argv[1])
PID = int(sys.argv[2])
LABEL = sys.argv[3]
OPTION = "a" * 4000 + "b"


def call(method, path, body=None, content_type="application/json"):
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
    headers = {"Accept": "application/json"}
    if body is not None:
        headers["Content-Type"] = content_type
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    answer = response.read()
    connection.close()
    if response.status not in (200, 201):
        sys.exit(f"{method} {path}: {response.status} {answer[:300]!r}")
    return answer


def cpu_seconds():
    fields = open(f"/proc/{PID}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_for_result(stream, data):
    while data.encode() not in call("GET", f"/stream/{stream}/results"):
        time.sleep(0.005)


def measure(what, stream, chunks, size, as_batch):
    call("POST", f"/stream/{stream}/start", json.dumps({"processor": "filter", "options": {"contains": OPTION}}))
    bystander = stream + "-bystander"
    call("POST", f"/stream/{bystander}/start", json.dumps({"processor": "uppercase"}))
    line = json.dumps({"data": "a" * size})
    cpu, start = cpu_seconds(), time.time()
    if as_batch:
        call("POST", f"/stream/{stream}/send", "\n".join([line] * chunks) + "\n", "application/x-ndjson")
    else:
        for _ in range(chunks):
            call("POST", f"/stream/{stream}/send", line)
    sent = time.time()
    call("POST", f"/stream/{bystander}/send", json.dumps({"data": "bystander"}))
    wait_for_result(bystander, "BYSTANDER")
    bystander_done = time.time()
    call("POST", f"/stream/{stream}/send", json.dumps({"data": "x" + OPTION}))
    wait_for_result(stream, "x" + OPTION)
    done = time.time()
    print(f"{LABEL} {what}: sent {chunks} x {size} B in {sent - start:.2f} s; bystander's result "
          f"{1000 * (bystander_done - sent):.0f} ms after; the matching chunk's result {done - start:.2f} s after the "
          f"first send; gateway CPU {cpu_seconds() - cpu:.1f} s", flush=True)


measure("engine's thread (7,000 B chunks, one NDJSON batch)", f"{LABEL}-small", 500, 7000, True)
measure("worker (1,000,000 B chunks, one send each)", f"{LABEL}-big", 5, 1000000, False)
