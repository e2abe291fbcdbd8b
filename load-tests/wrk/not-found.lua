-- wrk script: a stream that does not exist, GET /stream/no-such-stream. Answered 404 only once this gateway has
-- checked with the broker that its results log is current (the catch-up every gateway does for an unknown id), so
-- this measures that path; bench.sh counts its 404s as the expected answer.
-- With API_KEY set, sends it as X-API-Key (a gateway with that tenant key).
package.path = (debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "?.lua;" .. package.path
local with_host = require("host")
local request_text = wrk.format("GET", "/stream/no-such-stream", with_host({ ["X-API-Key"] = os.getenv("API_KEY") }))

function request()
  return request_text
end

done = require("report")
