-- submit.lua - wrk script for the submission benchmark (bench/run.sh).
--
--   wrk -t2 -c16 -d10s -s bench/submit.lua URL -- TOKENS BODIES THREADS
--
-- Every request posts one complete submission with a fresh invitation token:
-- the tokens file holds one token per line; thread t takes the t-th slice of
-- it (slice = lines / THREADS), so no two threads, and no two requests, ever
-- use the same token. BODIES holds JSON submission bodies ({"answers": {...},
-- "submit": true}, ~60 answers each), used in turn.
--
-- response() counts the answers by status in each thread; done() adds them up
-- and prints "BENCH key value" lines for bench/run.sh: the 2xx count is the
-- number of acknowledged submissions, which run.sh compares with the rows
-- stored. Should a thread run out of tokens it reuses its own (the server then
-- answers 409) and counts that as "exhausted".

local threads = {}
local nthreads = 0

function setup(thread)
  thread:set("tid", nthreads)
  nthreads = nthreads + 1
  table.insert(threads, thread)
end

function init(args)
  local tokens_file, bodies_file, n = args[1], args[2], tonumber(args[3])
  local all = {}
  for line in io.lines(tokens_file) do
    if #line > 0 then all[#all + 1] = line end
  end
  local per = math.floor(#all / n)
  tokens = {}
  for i = tid * per + 1, (tid + 1) * per do tokens[#tokens + 1] = all[i] end
  all = nil
  bodies = {}
  for line in io.lines(bodies_file) do
    if #line > 0 then bodies[#bodies + 1] = line end
  end
  headers = { ["Content-Type"] = "application/json" }
  nexttok = 1
  ok, conflict, other, exhausted, laststatus = 0, 0, 0, 0, 0
end

function request()
  local t = tokens[nexttok]
  if t == nil then
    exhausted = exhausted + 1
    t = tokens[((nexttok - 1) % #tokens) + 1]
  end
  local body = bodies[(nexttok % #bodies) + 1]
  nexttok = nexttok + 1
  return wrk.format("POST", "/api/v1/survey/" .. t, headers, body)
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    ok = ok + 1
  elseif status == 409 then
    conflict = conflict + 1
  else
    other = other + 1
    laststatus = status
  end
end

function done(summary, latency, requests)
  local s_ok, s_conflict, s_other, s_exh, s_tok, s_last = 0, 0, 0, 0, 0, 0
  for _, t in ipairs(threads) do
    s_ok = s_ok + t:get("ok")
    s_conflict = s_conflict + t:get("conflict")
    s_other = s_other + t:get("other")
    s_exh = s_exh + t:get("exhausted")
    s_tok = s_tok + (t:get("nexttok") - 1)
    if t:get("laststatus") ~= 0 then s_last = t:get("laststatus") end
  end
  local e = summary.errors
  io.write(string.format("BENCH requests %d\n", summary.requests))
  io.write(string.format("BENCH duration_us %d\n", summary.duration))
  io.write(string.format("BENCH status_2xx %d\n", s_ok))
  io.write(string.format("BENCH status_409 %d\n", s_conflict))
  io.write(string.format("BENCH status_other %d\n", s_other))
  io.write(string.format("BENCH last_other_status %d\n", s_last))
  io.write(string.format("BENCH tokens_used %d\n", s_tok))
  io.write(string.format("BENCH tokens_exhausted %d\n", s_exh))
  io.write(string.format("BENCH socket_errors %d\n", e.connect + e.read + e.write + e.timeout))
  io.write(string.format("BENCH p50_us %d\n", latency:percentile(50)))
  io.write(string.format("BENCH p99_us %d\n", latency:percentile(99)))
  io.write(string.format("BENCH max_us %d\n", latency.max))
end
