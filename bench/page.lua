-- page.lua - wrk script for the survey page benchmark (bench/run.sh):
-- GET /s/{token} at a fixed rate, not as fast as possible.
--
--   wrk -t2 -c20 -d10s -s bench/page.lua URL -- TOKENS RATE THREADS
--
-- Pacing: each thread sends RATE/THREADS requests per second on a fixed
-- schedule. Every delay() call (wrk calls it before each request of a
-- connection) claims the thread's next send slot, start + k * period, and
-- waits until then (0 when the slot has passed); the clock is
-- clock_gettime(CLOCK_MONOTONIC) through LuaJIT's FFI. With a fixed schedule
-- a slow answer does not lower the offered rate as long as a connection is
-- free, so the thread has more connections than a slot period needs.
-- wrk measures latency from the moment the request is written, so the wait
-- is not in the figures. Tokens (unsubmitted invitations) are used in turn.

local ffi = require("ffi")
ffi.cdef [[
  struct bench_timespec { long tv_sec; long tv_nsec; };
  int clock_gettime(int clk_id, struct bench_timespec *tp);
]]
local ts = ffi.new("struct bench_timespec")

local function now_ms()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  tokens = {}
  for line in io.lines(args[1]) do
    if #line > 0 then tokens[#tokens + 1] = line end
  end
  period = 1000 / (tonumber(args[2]) / tonumber(args[3])) -- ms between sends
  slot = 0
  start = nil
  nexttok = 1
  ok, bad, laststatus = 0, 0, 0
end

function delay()
  local now = now_ms()
  if start == nil then start = now end
  local at = start + slot * period
  slot = slot + 1
  local d = at - now
  if d < 0 then return 0 end
  return math.floor(d + 0.5)
end

function request()
  local t = tokens[nexttok]
  nexttok = nexttok % #tokens + 1
  return wrk.format("GET", "/s/" .. t)
end

function response(status, headers, body)
  if status == 200 then ok = ok + 1 else bad = bad + 1; laststatus = status end
end

function done(summary, latency, requests)
  local s_ok, s_bad, s_last = 0, 0, 0
  for _, t in ipairs(threads) do
    s_ok = s_ok + t:get("ok")
    s_bad = s_bad + t:get("bad")
    if t:get("laststatus") ~= 0 then s_last = t:get("laststatus") end
  end
  local e = summary.errors
  io.write(string.format("BENCH requests %d\n", summary.requests))
  io.write(string.format("BENCH duration_us %d\n", summary.duration))
  io.write(string.format("BENCH status_200 %d\n", s_ok))
  io.write(string.format("BENCH status_other %d\n", s_bad))
  io.write(string.format("BENCH last_other_status %d\n", s_last))
  io.write(string.format("BENCH socket_errors %d\n", e.connect + e.read + e.write + e.timeout))
  io.write(string.format("BENCH p50_us %d\n", latency:percentile(50)))
  io.write(string.format("BENCH p99_us %d\n", latency:percentile(99)))
  io.write(string.format("BENCH max_us %d\n", latency.max))
end
