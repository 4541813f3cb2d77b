-- wrk script: POSTs the complaint bodies of a file (one JSON body a line) in turn, counts
-- the responses by status and prints progress lines ("progress N"). After a given number of
-- responses it stops sending and prints "stopped N" (wrk's main thread waits out its whole
-- duration unless interrupted, so the caller then sends SIGINT). At the end it prints one
-- line "result {json}" for bench/ingest.py.
-- Arguments (after --): bodies_file response_limit progress_every

local threads = {}

function setup(thread)
    table.insert(threads, thread)
end

function init(args)
    bodies = {}
    for line in io.lines(args[1]) do
        bodies[#bodies + 1] = line
    end
    limit = tonumber(args[2])
    progress_every = tonumber(args[3])
    next_body = 1
    responses = 0
    statuses = {}
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
end

function request()
    local body = bodies[next_body]
    next_body = next_body % #bodies + 1
    return wrk.format(nil, "/v1/complaints", nil, body)
end

function response(status, headers, body)
    local key = tostring(status)
    statuses[key] = (statuses[key] or 0) + 1
    responses = responses + 1
    if responses % progress_every == 0 then
        io.write("progress ", responses, "\n")
        io.flush()
    end
    if responses == limit then
        wrk.thread:stop()
        io.write("stopped ", responses, "\n")
        io.flush()
    end
end

local function merged_statuses()
    local merged = {}
    for _, thread in ipairs(threads) do
        for status, count in pairs(thread:get("statuses")) do
            merged[status] = (merged[status] or 0) + count
        end
    end
    local parts = {}
    for status, count in pairs(merged) do
        parts[#parts + 1] = string.format('"%s": %d', status, count)
    end
    return "{" .. table.concat(parts, ", ") .. "}"
end

function done(summary, latency, requests)
    local errors = summary.errors
    io.write(string.format(
        'result {"duration_us": %d, "responses": %d, "statuses": %s, '
            .. '"latency_us": {"p50": %d, "p90": %d, "p99": %d, "max": %d, "mean": %.1f}, '
            .. '"errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}}\n',
        summary.duration, summary.requests, merged_statuses(),
        latency:percentile(50), latency:percentile(90), latency:percentile(99),
        latency.max, latency.mean,
        errors.connect, errors.read, errors.write, errors.timeout
    ))
    io.flush()
end
