-- One OCPI request, over and over: method, body, token and routing headers come from the environment.
-- BENCH_RATE > 0 sends at that constant rate (requests per second over all connections): each request has its
-- slot on one schedule, whatever the latency of the answers before it, so every target gets the same rate.
local method = os.getenv("BENCH_METHOD") or "GET"
local body = nil
local body_file = os.getenv("BENCH_BODY")
if body_file and body_file ~= "" then
  local file = assert(io.open(body_file, "rb"))
  body = file:read("*a")
  file:close()
end
local headers = {}
headers["Authorization"] = os.getenv("BENCH_AUTH")
if body then headers["Content-Type"] = "application/json" end
local function pair(prefix, value)
  if value and value ~= "" then
    local country, party = value:match("^(%a%a):(%w+)$")
    headers[prefix .. "-country-code"] = country
    headers[prefix .. "-party-id"] = party
  end
end
pair("OCPI-to", os.getenv("BENCH_TO"))
pair("OCPI-from", os.getenv("BENCH_FROM"))
local rate = tonumber(os.getenv("BENCH_RATE") or "0")
local counter = 0

request = function()
  counter = counter + 1
  headers["X-Request-ID"] = "bench-" .. counter
  headers["X-Correlation-ID"] = "bench-" .. counter
  return wrk.format(method, nil, headers, body)
end

if rate > 0 then
  local ffi = require("ffi")
  ffi.cdef[[
    typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
    int clock_gettime(int clock, bench_timespec *spec);
  ]]
  local spec = ffi.new("bench_timespec")
  local function now_ms()
    ffi.C.clock_gettime(1, spec) -- CLOCK_MONOTONIC
    return tonumber(spec.tv_sec) * 1000 + tonumber(spec.tv_nsec) / 1e6
  end
  local interval_ms = 1000 / rate
  local next_ms = nil
  delay = function()
    local now = now_ms()
    next_ms = (next_ms or now) + interval_ms
    local wait = next_ms - interval_ms - now
    if wait <= 0 then return 0 end
    return math.floor(wait + 0.5)
  end
end

done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "socket_errors": %d, "non2xx": %d, "p50_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration, errors.connect + errors.read + errors.write + errors.timeout, errors.status,
    latency:percentile(50), latency:percentile(99)))
end
