-- wrk script: POSTs one GraphQL request body with a bearer token, counts answers that are not
-- HTTP 200, and ends with one machine-readable line:
--   wrk-result {"requests":N,"seconds":S,"rps":R,"p50_ms":A,"p99_ms":B,"non200":K,"errors":E}
--
-- The body file and token come from the environment or from the script's arguments:
--   WRK_BODY=bench/.cache/page.json WRK_TOKEN=gh_... wrk -t2 -c32 -d5s -s bench/wrk/post.lua http://127.0.0.1:8080/graphql
--   wrk -t2 -c32 -d5s -s bench/wrk/post.lua http://127.0.0.1:8080/graphql -- BODY_FILE TOKEN
-- WRK_TOKEN_FILE may name a file holding the token instead (plain, or bench/generate.py's
-- FILE.tokens.json, whose "admin" member is used).

local threads = {}
non200 = 0 -- a global: done() reads each thread's count with thread:get

local function read_file(path)
   local file, err = io.open(path, "rb")
   if not file then error("cannot read " .. tostring(path) .. ": " .. tostring(err)) end
   local text = file:read("*a")
   file:close()
   return text
end

local function token_from_file(path)
   local text = read_file(path):gsub("^%s+", ""):gsub("%s+$", "")
   if text:sub(1, 1) == "{" then
      return text:match('"admin"%s*:%s*"([^"]+)"') or error(path .. ": no admin token in it")
   end
   return text
end

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   local body_file = args[1] or os.getenv("WRK_BODY")
   local token = args[2] or os.getenv("WRK_TOKEN")
   if not token and os.getenv("WRK_TOKEN_FILE") then token = token_from_file(os.getenv("WRK_TOKEN_FILE")) end
   if not body_file or not token then
      error("give the body file and token: WRK_BODY and WRK_TOKEN (or WRK_TOKEN_FILE), or -- BODY_FILE TOKEN")
   end
   wrk.method = "POST"
   wrk.body = read_file(body_file)
   wrk.headers["Content-Type"] = "application/json"
   wrk.headers["Authorization"] = "Bearer " .. token
end

function response(status, headers, body)
   if status ~= 200 then non200 = non200 + 1 end
end

function done(summary, latency, requests)
   local bad = 0
   for _, thread in ipairs(threads) do bad = bad + (thread:get("non200") or 0) end
   local errors = summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout
   local seconds = summary.duration / 1e6
   io.write(string.format(
      'wrk-result {"requests":%d,"seconds":%.3f,"rps":%.1f,"p50_ms":%.3f,"p99_ms":%.3f,"non200":%d,"errors":%d}\n',
      summary.requests, seconds, summary.requests / seconds, latency:percentile(50) / 1000,
      latency:percentile(99) / 1000, bad, errors))
end
