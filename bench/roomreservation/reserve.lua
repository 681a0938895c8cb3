-- wrk: customers reserving rooms registered beforehand (ROOM_FIRST..), through the gateway.
--   MODE=pay:       one room per reservation; each accepted reservation is paid at once
--                   (PATCH reserveStatus=payment) by the connection's next request.
--   MODE=contended: PER_ROOM customers ask for each room one after another (the threads walk the
--                   rooms in the same order, so their requests for a room overlap); exactly one
--                   wins, the others are refused (409) or compensated by the saga.
local threads, counter = {}, 0

function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

function init(args)
  nthreads = #threads > 0 and #threads or tonumber(os.getenv("THREADS") or "2")
  first = tonumber(os.getenv("ROOM_FIRST") or "1")
  last = tonumber(os.getenv("ROOM_LAST") or "1000000000")
  mode = os.getenv("MODE") or "pay"
  per_room = tonumber(os.getenv("PER_ROOM") or "10")
  seq, to_pay = 0, {}
  headers = {["Content-Type"] = "application/json"}
end

local function reservation(room)
  if room > last then return wrk.format("GET", "/rooms/" .. last) end  -- rooms ran out (reported)
  return wrk.format("POST", "/reservations", headers, string.format(
    '{"customerName": "bench", "customerId": %d, "reserveStatus": "reserve", "roomNumber": %d, "paymentPrice": 120000}',
    id, room))
end

function request()
  local n = table.remove(to_pay)
  if n then return wrk.format("PATCH", "/reservations/" .. n, headers, '{"reserveStatus": "payment"}') end
  seq = seq + 1
  if mode == "contended" then
    local per_thread = math.max(1, math.floor(per_room / nthreads))
    return reservation(first + math.floor((seq - 1) / per_thread))
  end
  return reservation(first + id + (seq - 1) * nthreads)
end

function response(status, headers, body)
  if mode == "pay" and status == 201 then
    local n = body:match('"reservationNumber"%s*:%s*(%d+)')
    if n then table.insert(to_pay, n) end
  end
end
