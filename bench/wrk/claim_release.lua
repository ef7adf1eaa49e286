-- wrk script: the claim/release mix. Each request is one GraphQL document with two serial
-- mutations by one rep on one customer of a pool that rep may claim from:
--   mutation { c: claimCustomers(ids: [X]) { succeeded } r: releaseCustomer(id: X, reason: "bench") { id } }
-- so every request is two ownership changes (two transactions, two events). Requests cycle
-- through the (token, id) pairs of WRK_PAIRS (lines "TOKEN ID", written by bench/run from
-- bench/generate.py's FILE.tokens.json and FILE.ids.json), each thread from its own offset.
-- Ends with the same wrk-result line as post.lua; "ok" counts answers whose claim succeeded.

local threads = {}
local counter = 0
non200 = 0
failed = 0

function setup(thread)
   thread:set("id", #threads)
   table.insert(threads, thread)
end

function init(args)
   pairs_list = {}
   for line in io.lines(os.getenv("WRK_PAIRS")) do
      local token, id = line:match("^(%S+)%s+(%d+)$")
      if token then table.insert(pairs_list, {token, id}) end
   end
   counter = (id or 0) * 7919
end

function request()
   counter = counter + 1
   local pair = pairs_list[(counter % #pairs_list) + 1]
   local body = string.format(
      '{"query":"mutation { c: claimCustomers(ids: [\\"cus_%s\\"]) { succeeded } r: releaseCustomer(id: \\"cus_%s\\", reason: \\"bench\\") { id } }"}',
      pair[2], pair[2])
   return wrk.format("POST", "/graphql",
      {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. pair[1]}, body)
end

function response(status, headers, body)
   if status ~= 200 then non200 = non200 + 1
   elseif not body:find('"succeeded":1', 1, true) then failed = failed + 1 end
end

function done(summary, latency, requests)
   local bad, notok = 0, 0
   for _, thread in ipairs(threads) do
      bad = bad + (thread:get("non200") or 0)
      notok = notok + (thread:get("failed") or 0)
   end
   local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
   local seconds = summary.duration / 1e6
   io.write(string.format(
      'wrk-result {"requests":%d,"seconds":%.3f,"rps":%.1f,"p50_ms":%.3f,"p99_ms":%.3f,"non200":%d,"errors":%d,"failed":%d}\n',
      summary.requests, seconds, summary.requests / seconds, latency:percentile(50) / 1000,
      latency:percentile(99) / 1000, bad, errors, notok))
end
