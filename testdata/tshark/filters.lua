-- filters.lua: tshark Lua script for filters.sh. For each display filter of
-- the file given as its argument, one tap listener with that filter records
-- the frames it selects; at the end one JSON object is printed: each filter
-- with its frames as ranges ("1-3,7"), or its error.
local path = ...
local names, lists, errs = {}, {}, {}
for line in io.lines(path) do
  if line ~= "" then
    local i = #names + 1
    names[i] = line
    lists[i] = {}
    local ok, l = pcall(Listener.new, nil, line)
    if ok then
      l.packet = function(pinfo) local t = lists[i]; t[#t + 1] = pinfo.number end
      l.draw = function() end
    else
      errs[i] = tostring(l)
    end
  end
end

local function quote(s)
  return '"' .. s:gsub('\\', '\\\\'):gsub('"', '\\"'):gsub('\n', '\\n') .. '"'
end

local function ranges(t)
  local out, i = {}, 1
  while i <= #t do
    local j = i
    while j < #t and t[j + 1] == t[j] + 1 do j = j + 1 end
    if j > i then out[#out + 1] = t[i] .. "-" .. t[j] else out[#out + 1] = tostring(t[i]) end
    i = j + 1
  end
  return table.concat(out, ",")
end

-- The last listener's draw prints everything (draw runs once per listener).
local done = false
local final = Listener.new(nil, nil)
function final.draw()
  if done then return end
  done = true
  io.stdout:write("{\n")
  for i, n in ipairs(names) do
    local v = errs[i] and ('{"error": ' .. quote(errs[i]) .. '}') or quote(ranges(lists[i]))
    io.stdout:write("  " .. quote(n) .. ": " .. v .. (i < #names and ",\n" or "\n"))
  end
  io.stdout:write("}\n")
end
