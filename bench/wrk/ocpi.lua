-- One OCPI request, over and over: method, body, token and routing headers come from the environment.
-- BENCH_DELAY_MS > 0 paces each connection (a fixed request rate: connections * 1000 / delay per second).
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
local delay_ms = tonumber(os.getenv("BENCH_DELAY_MS") or "0")
local counter = 0

request = function()
  counter = counter + 1
  headers["X-Request-ID"] = "bench-" .. counter
  headers["X-Correlation-ID"] = "bench-" .. counter
  return wrk.format(method, nil, headers, body)
end

if delay_ms > 0 then
  delay = function() return delay_ms end
end

done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "socket_errors": %d, "non2xx": %d, "p50_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration, errors.connect + errors.read + errors.write + errors.timeout, errors.status,
    latency:percentile(50), latency:percentile(99)))
end
