-- wrk script: NDJSON sends, LINES chunks of CHUNK_SIZE bytes per request, spread over STREAMS streams started
-- beforehand (bench-0 ...). Each 200 means LINES chunks durable. Prints one RESULT line (requests, not chunks).
local streams = tonumber(os.getenv("STREAMS") or "100")
local lines = tonumber(os.getenv("LINES") or "100")
local line = '{"data":"' .. string.rep("x", tonumber(os.getenv("CHUNK_SIZE") or "100")) .. '"}\n'
local body = string.rep(line, lines)
local headers = { ["Content-Type"] = "application/x-ndjson" }
counter = 0 -- global: setup() gives each thread its own start

function setup(thread)
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
