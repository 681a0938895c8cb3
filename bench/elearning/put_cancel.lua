-- wrk: every request cancels the next application, as the seed does (PUT the whole item with
-- applyStatus=cancelled). Ids CANCEL_FIRST_ID..CANCEL_LAST_ID (environment), split among the
-- threads by stride CANCEL_STRIDE (wrk -t); a thread stops once its share is done.
local counter = 0

function setup(thread)
  thread:set("index", counter)
  counter = counter + 1
end

function init(args)
  stride = tonumber(os.getenv("CANCEL_STRIDE") or "2")
  last_id = tonumber(os.getenv("CANCEL_LAST_ID"))
  next_id = tonumber(os.getenv("CANCEL_FIRST_ID") or "1") + index
end

local body = '{"studentId": "test123", "studentName": "부하테스트", "bookId": "bok123", "bookName": "book001", ' ..
             '"qty": 11, "amount": 2000, "address": "seoul", "applyStatus": "cancelled"}'

function request()
  local id = next_id
  next_id = next_id + stride
  return wrk.format("PUT", "/applies/" .. id, {["Content-Type"] = "application/json"}, body)
end

function response(status, headers, body)
  if next_id > last_id then wrk.thread:stop() end
end
