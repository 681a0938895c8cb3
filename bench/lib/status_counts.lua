-- wrk: tallies each answer's HTTP status across threads and prints "status <code> <count>"
-- lines at the end, so a bench can tell a refusal (503) from a failure. benchlib.wrk appends
-- this to a request script when asked to count statuses.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init()
  counts = {}
end

function response(status)
  counts[status] = (counts[status] or 0) + 1
end

function done()
  local total = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("counts")) do
      total[status] = (total[status] or 0) + n
    end
  end
  for status, n in pairs(total) do
    io.write(string.format("status %d %d\n", status, n))
  end
end
