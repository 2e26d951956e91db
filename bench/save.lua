-- wrk script: a logged-in teacher saves scores, each POST naming the version it was based on
-- and carrying a new idempotency key, as the browser's offline.js sends every save.
-- Arguments: cookie, csrf token, a key prefix unique to this run, then cells as "path#version"
-- ("/courses/1/pupils/3/subjects/2/sittings/1#4": the version stored when the run starts).
-- A cell is in flight at most once; its answer (the cell fragment) gives its new version.
local ready, versions, values, paths = {}, {}, {}, {}
local cookie, token, prefix
local sent = 0

function init(args)
  cookie, token, prefix = args[1], args[2], args[3]
  for i = 4, #args do
    local path, version = args[i]:match("^(.-)#(%d+)$")
    table.insert(ready, path)
    versions[path] = tonumber(version)
    values[path] = 7
  end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Cookie"] = cookie
  wrk.headers["X-CSRFToken"] = token
  wrk.headers["HX-Request"] = "true"
end

function request()
  local path = table.remove(ready, 1)
  values[path] = (values[path] == 7) and 8 or 7
  sent = sent + 1
  local body = "layout=exam&value=" .. values[path] .. "&version=" .. versions[path]
    .. "&idempotency_key=" .. prefix .. "-" .. sent
  return wrk.format("POST", path, nil, body)
end

function response(status, headers, body)
  local path = body:match('action="([^"]+)"')
  local version = body:match('name="version" value="(%d+)"')
  if path and versions[path] ~= nil then
    if version then versions[path] = tonumber(version) end
    table.insert(ready, path)
  end
end

-- done(): bench/report.lua, next to this script
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")
