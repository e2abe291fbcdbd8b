-- wrk script: durable sends spread over STREAMS streams (bench-0 .. bench-<STREAMS-1>), started by bench.sh
-- beforehand, CHUNK_SIZE bytes of data each. Prints one RESULT line for bench.sh to read.
local streams = tonumber(os.getenv("STREAMS") or "500")
local body = '{"data":"' .. string.rep("x", tonumber(os.getenv("CHUNK_SIZE") or "100")) .. '"}'
local headers = { ["Content-Type"] = "application/json" }
counter = 0 -- global: setup() gives each thread its own start

function setup(thread)
  -- Threads start at different streams, so that they do not send to the same ones in step.
  thread:set("counter", math.random(0, streams - 1))
end

function request()
  counter = counter + 1
  return wrk.format("POST", "/stream/bench-" .. (counter % streams) .. "/send", headers, body)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d duration_us=%d connect=%d read=%d write=%d timeout=%d non2xx=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.timeout, e.status,
    latency:percentile(50), latency:percentile(99)))
end
