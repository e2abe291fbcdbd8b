-- wrk script: status.lua's request with "Connection: close", so that every request is a connection of its own (wrk
-- connects again after each answer): what a connection's setup and close cost. Prints one RESULT line (report.lua).
package.path = (debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "?.lua;" .. package.path
local with_host = require("host")
local request_text = wrk.format("GET", "/stream/bench-0",
    with_host({ ["X-API-Key"] = os.getenv("API_KEY"), ["Connection"] = "close" }))

function request()
  return request_text
end

done = require("report")
