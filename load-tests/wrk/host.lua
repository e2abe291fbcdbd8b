-- A request's headers with Host first. wrk adds Host only to the requests it formats itself once started (wrk.init);
-- a script that formats its own, with headers of its own or before wrk.init runs, sends none, and HTTP/1.1 requires
-- it (RFC 9112 section 3.2: the gateway answers such a request 400). wrk.host and wrk.port are set before a script
-- is loaded.
return function(extra)
  local headers = { ["Host"] = wrk.host .. (wrk.port and (":" .. wrk.port) or "") }
  for name, value in pairs(extra or {}) do
    headers[name] = value
  end
  return headers
end
