-- wrk script: durable sends spread over STREAMS streams (bench-0 .. bench-<STREAMS-1>), started by bench.sh
-- beforehand, CHUNK_SIZE bytes of data each. With LINES=n each request is an NDJSON batch of n chunks, and a 200
-- then means n chunks durable. With API_KEY set, sends it as X-API-Key. Prints one RESULT line (report.lua).
package.path = (debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "?.lua;" .. package.path
local with_host = require("host")
local streams = tonumber(os.getenv("STREAMS") or "500")
local lines = tonumber(os.getenv("LINES") or "0")
local chunk = '{"data":"' .. string.rep("x", tonumber(os.getenv("CHUNK_SIZE") or "100")) .. '"}'
local body = lines > 0 and string.rep(chunk .. "\n", lines) or chunk
local headers = with_host({ ["Content-Type"] = lines > 0 and "application/x-ndjson" or "application/json",
                             ["X-API-Key"] = os.getenv("API_KEY") })
counter = 0 -- global: setup() gives each thread its own start

function setup(thread)
  -- Threads start at different streams, so that they do not send to the same ones in step.
  thread:set("counter", math.random(0, streams - 1))
end

function request()
  counter = counter + 1
  return wrk.format("POST", "/stream/bench-" .. (counter % streams) .. "/send", headers, body)
end

done = require("report")
