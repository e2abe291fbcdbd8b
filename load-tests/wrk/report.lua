-- The RESULT line every script here prints for bench.sh/table.py: requests, duration, socket errors by kind,
-- non-2xx answers, and latency percentiles (microseconds).
return function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d duration_us=%d connect=%d read=%d write=%d timeout=%d non2xx=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.timeout, e.status,
    latency:percentile(50), latency:percentile(99)))
end
