-- wrk script for bench/portal.sh: cycles through the request paths in $PATHS_FILE (one per
-- line), so the mix of listed and unlisted addresses is the same for every run.
local paths = {}
local i = 0

function init(args)
  for line in io.lines(os.getenv("PATHS_FILE")) do
    paths[#paths + 1] = line
  end
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
