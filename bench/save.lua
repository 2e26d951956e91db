-- wrk script: a logged-in teacher saves scores, each POST naming the version it was based on
-- and carrying a new idempotency key, as the browser's offline.js sends every save, and
-- accepting a compressed answer, as every browser does.
-- Arguments: cookie, csrf token, a key prefix unique to this run, then cells as
-- "path#version#value" ("/courses/1/pupils/3/subjects/2/sittings/1#4#7.5": the version and
-- value stored when the run starts; every save sends 7 or 8, never what the cell holds).
-- A cell is in flight at most once. The answer (the cell fragment) comes compressed, which
-- Lua cannot read: each request carries its number as X-Request-ID, which the app sends back
-- (teacherapp.ops.logs), so the answer's cell is known; a save answered 200 stored base + 1.
-- An uncompressed answer (a server without compression) still gives its version itself.
local ready, versions, values, in_flight, request_headers = {}, {}, {}, {}, {}
local cookie, token, prefix
local sent = 0

function init(args)
  cookie, token, prefix = args[1], args[2], args[3]
  for i = 4, #args do
    local path, version, value = args[i]:match("^(.-)#(%d+)#(.*)$")
    table.insert(ready, path)
    versions[path] = tonumber(version)
    values[path] = tonumber(value)  -- request() sends 8 if it is 7, else 7
  end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Cookie"] = cookie
  wrk.headers["X-CSRFToken"] = token
  wrk.headers["HX-Request"] = "true"
  wrk.headers["Accept-Encoding"] = "br, gzip"
  -- wrk.format sends the headers it is given instead of wrk.headers, not with them
  for name, value in pairs(wrk.headers) do request_headers[name] = value end
end

function request()
  local path = table.remove(ready, 1)
  values[path] = (values[path] == 7) and 8 or 7
  sent = sent + 1
  local body = "layout=exam&value=" .. values[path] .. "&version=" .. versions[path]
    .. "&idempotency_key=" .. prefix .. "-" .. sent
  local id = "bench-" .. sent
  in_flight[id] = path
  request_headers["X-Request-ID"] = id
  return wrk.format("POST", path, request_headers, body)
end

function response(status, headers, body)
  local id = headers["X-Request-ID"] or headers["x-request-id"]
  local path = id and in_flight[id]
  if not path then return end
  in_flight[id] = nil
  local version = body:match('name="version" value="(%d+)"')
  if version then
    versions[path] = tonumber(version)
  elseif status == 200 then
    versions[path] = versions[path] + 1
  end
  table.insert(ready, path)
end

-- done(): bench/report.lua, next to this script
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")
