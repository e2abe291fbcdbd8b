-- wrk script: the gateway's cheapest route, a stream's status (security, routing, JSON; no Kafka), i.e. the HTTP
-- limit of this box. bench-0 is started by bench.sh. (Liveness is not cheaper: Boot runs health on another thread.)
package.path = (debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "?.lua;" .. package.path
local request_text = wrk.format("GET", "/stream/bench-0")

function request()
  return request_text
end

done = require("report")
