-- wrk script: the gateway's cheapest route, a stream's status (security, routing, JSON; no Kafka), i.e. the HTTP
-- limit of this box. bench-0 is started by bench.sh. (Liveness is not cheaper: Boot runs health on another thread.)
local request_text = wrk.format("GET", "/stream/bench-0")

function request()
  return request_text
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d duration_us=%d connect=%d read=%d write=%d timeout=%d non2xx=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.timeout, e.status,
    latency:percentile(50), latency:percentile(99)))
end
