-- wrk script for the trivial app (load-tests/trivial-app): GET /ping, the framework's cheapest route.
package.path = (debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "?.lua;" .. package.path
local request_text = wrk.format("GET", "/ping")

function request()
  return request_text
end

done = require("report")
