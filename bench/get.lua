-- wrk script: GET one URL (optionally with a session cookie); reports as bench/report.lua does.
function init(args)
  if args[1] then wrk.headers["Cookie"] = args[1] end
  wrk.headers["Accept-Encoding"] = "br, gzip"
end

-- done(): bench/report.lua, next to this script
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")
