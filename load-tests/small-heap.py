"""Fills a gateway's stream histories (load-tests/small-heap.sh): STREAMS streams of the echo processor, each sent
BATCHES NDJSON batches of CHUNKS chunks of SIZE bytes, by 8 threads on keep-alive connections; with --end, ends
those streams instead. Prints the requests made and those not answered 2xx, by status or error."""
import http.client
import json
import sys
import threading
import time

port, prefix, streams = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
end = sys.argv[4] == "--end"
if not end:
    batches, chunks, size = (int(a) for a in sys.argv[4:7])
failures, lock, made = {}, threading.Lock(), [0]


def connect():
    return http.client.HTTPConnection("127.0.0.1", port, timeout=60)


def requests(stream):
    if end:
        return [(f"/stream/{stream}/end", None, None)]
    start = (f"/stream/{stream}/start", '{"processor":"echo"}', "application/json")
    return [start] + [(f"/stream/{stream}/send", "".join(
        json.dumps({"data": f"{stream}-{b}-{c}-".ljust(size, "x")}) + "\n" for c in range(chunks)),
        "application/x-ndjson") for b in range(batches)]


def work(ids):
    connection = connect()
    for stream in ids:
        for path, body, content_type in requests(stream):
            headers = {"Host": f"127.0.0.1:{port}"}
            if content_type:
                headers["Content-Type"] = content_type
            try:
                connection.request("POST", path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                outcome = response.status if 200 <= response.status < 300 else str(response.status)
            except Exception as error:  # a dying gateway answers with resets and refusals
                outcome = type(error).__name__
                connection = connect()
            with lock:
                made[0] += 1
                if not isinstance(outcome, int):
                    failures[outcome] = failures.get(outcome, 0) + 1


ids = [f"{prefix}-{n}" for n in range(streams)]
began = time.time()
threads = [threading.Thread(target=work, args=(ids[t::8],)) for t in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(f"{'ended' if end else 'filled'} {streams} streams: {made[0]} requests in {time.time() - began:.1f} s,"
      f" not 2xx: {failures or 'none'}")
