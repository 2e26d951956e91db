-- wrk's done() for every benchmark script: one RESULT line (the run's own figures) and one
-- LATENCY line (the whole latency distribution, microseconds and count, so that bench/load.py
-- can add up several runs). Loaded by get.lua and save.lua with dofile.
function done(summary, latency, requests)
  local s = summary.errors
  io.write(string.format(
    "RESULT {\"requests\":%d,\"seconds\":%f,\"p50\":%f,\"p95\":%f,\"p99\":%f,\"status_errors\":%d,\"socket_errors\":%d}\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(95) / 1e3, latency:percentile(99) / 1e3, s.status,
    s.connect + s.read + s.write + s.timeout))
  local entries = {}
  for i = 1, #latency do
    local value, count = latency(i)
    entries[#entries + 1] = string.format("[%d,%d]", value, count)
  end
  io.write("LATENCY [" .. table.concat(entries, ",") .. "]\n")
end
