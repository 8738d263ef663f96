-- wrk script for bench/run.py and bench/loadtest.py.
-- Prints one line, WRK-JSON {...}: counts and latency percentiles (microseconds). wrk counts
-- answers other than 2xx/3xx in errors.status.
-- WRK_PATHS=<file>: cycle through the paths in that file (one per line), each thread from
-- its own offset. WRK_ERRORS_BY_SECOND=1: also count those answers per second (epoch), so
-- a load test can tell errors inside a fault window from errors outside it.

local paths = {}
local file = os.getenv("WRK_PATHS")
if file then
  for line in io.lines(file) do
    if line ~= "" then paths[#paths + 1] = line end
  end
end

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("offset", counter)
  threads[#threads + 1] = thread
end

function init(args)
  index = offset or 0
  errors_by_second = {}
  math.randomseed(os.time() * 100 + (offset or 0))
end

-- WRK_MISS_PATH=<path> WRK_MISS_SHARE=0.1: that share of requests goes to the path with a
-- query string of its own, which no cache has seen, so it reaches the database.
local miss_path = os.getenv("WRK_MISS_PATH")
local miss_share = tonumber(os.getenv("WRK_MISS_SHARE") or "0")

if #paths > 0 then
  function request()
    if miss_path and math.random() < miss_share then
      return wrk.format(nil, miss_path .. "?miss=" .. math.random(1, 1000000000))
    end
    index = index % #paths + 1
    return wrk.format(nil, paths[index])
  end
end

if os.getenv("WRK_ERRORS_BY_SECOND") then
  function response(status, headers, body)
    if status >= 400 then
      local second = os.time()
      errors_by_second[second] = (errors_by_second[second] or 0) + 1
    end
  end
end

function done(summary, latency, requests)
  local seconds = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("errors_by_second")
    if counts then
      for second, n in pairs(counts) do
        seconds[#seconds + 1] = string.format('[%d, %d]', second, n)
      end
    end
  end
  local e = summary.errors
  io.write(string.format(
    'WRK-JSON {"requests": %d, "duration_us": %d, "bytes": %d, "non_2xx_3xx": %d, "socket_errors": %d, ' ..
    '"connect_errors": %d, "read_errors": %d, "write_errors": %d, "timeouts": %d, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.0f, "errors_by_second": [%s]}\n',
    summary.requests, summary.duration, summary.bytes, e.status, e.connect + e.read + e.write + e.timeout,
    e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max, latency.mean,
    table.concat(seconds, ", ")))
end
