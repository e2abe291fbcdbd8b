-- wrk script: a stream's status, GET /stream/bench-0 (security, routing, JSON; no Kafka). bench-0 is started by
-- bench.sh. With API_KEY set, sends it as X-API-Key (a gateway with that tenant key). Prints one RESULT line
-- (report.lua).
package.path = (debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "?.lua;" .. package.path
local with_host = require("host")
local request_text = wrk.format("GET", "/stream/bench-0", with_host({ ["X-API-Key"] = os.getenv("API_KEY") }))

function request()
  return request_text
end

done = require("report")
