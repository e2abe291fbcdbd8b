-- wrk script for the trivial app (load-tests/trivial-app): GET /ping, the framework's cheapest route.
package.path = (debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "?.lua;" .. package.path
local with_host = require("host")
local request_text = wrk.format("GET", "/ping", with_host())

function request()
  return request_text
end

done = require("report")
