-- wrk script: a stream's held results as JSON, GET /stream/bench-results/results with Accept: application/json.
-- bench.sh starts bench-results and sends it 10 chunks first, so each answer carries 10 results.
-- With API_KEY set, sends it as X-API-Key (a gateway with that tenant key).
package.path = (debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "?.lua;" .. package.path
local with_host = require("host")
local headers = with_host({ ["Accept"] = "application/json", ["X-API-Key"] = os.getenv("API_KEY") })
local request_text = wrk.format("GET", "/stream/bench-results/results", headers)

function request()
  return request_text
end

done = require("report")
