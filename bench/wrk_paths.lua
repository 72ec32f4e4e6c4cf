-- wrk script: each connection cycles through the paths in $KG_WRK_PATHS (one a line); the thread stops
-- after $KG_WRK_REQUESTS responses; done() prints one JSON line with the figures.
local paths = {}
for line in io.lines(os.getenv("KG_WRK_PATHS")) do
  if line ~= "" then paths[#paths + 1] = line end
end
local quota = tonumber(os.getenv("KG_WRK_REQUESTS"))
local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
end

i, got, bad = 0, 0, 0  -- globals: done() reads them with thread:get

function request()
  i = i + 1
  return wrk.format("GET", paths[(i - 1) % #paths + 1], { ["Accept"] = "application/sparql-results+json" })
end

function response(status, headers, body)
  got = got + 1
  if status ~= 200 then bad = bad + 1 end
  if got == quota then
    io.write("QUOTA\n"); io.flush()  -- the driver interrupts wrk (SIGINT) to end the run now
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local total_bad = 0
  for _, t in ipairs(threads) do total_bad = total_bad + t:get("bad") end
  io.write(string.format('{"requests": %d, "duration_us": %d, "non200": %d, "socket_errors": %d, ' ..
    '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, total_bad,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
