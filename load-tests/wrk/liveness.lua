-- wrk script: the liveness probe, GET /actuator/health/liveness (Boot's health endpoint; no Kafka).
package.path = (debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "?.lua;" .. package.path
local with_host = require("host")
local request_text = wrk.format("GET", "/actuator/health/liveness", with_host())

function request()
  return request_text
end

done = require("report")
