-- Headless Neovim as an LSP client of `entramap lsp` (run by tests/it/lsp/neovim.rs).
-- Opens the mapping file, waits for the diagnostics, applies the quick fix of the typo
-- `[givenNme]`, waits for the re-check, writes the buffer and quits. Every step is logged to
-- $ENTRAMAP_LOG; a failure exits with status 3.
local bin, file, log_path = os.getenv('ENTRAMAP_BIN'), os.getenv('ENTRAMAP_FILE'), os.getenv('ENTRAMAP_LOG')
local log = io.open(log_path, 'w')
local function say(text) log:write(text .. '\n'); log:flush() end
local function fail(text) say('FAIL: ' .. text); log:close(); vim.cmd('cquit 3') end

vim.cmd('edit ' .. vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
local client_id = vim.lsp.start_client({
  name = 'entramap',
  cmd = { bin, 'lsp' },
  root_dir = vim.fn.fnamemodify(file, ':h'),
  on_stderr = function(_, data) say('server stderr: ' .. tostring(data)) end,
})
if not client_id then fail('the server did not start') end
vim.lsp.buf_attach_client(buf, client_id)

local function codes()
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do table.insert(out, tostring(d.code)) end
  table.sort(out)
  return table.concat(out, ',')
end
local function find(code)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.code == code then return d end
  end
end

if not vim.wait(30000, function() return find('unknown-source-attribute') ~= nil end, 20) then
  fail('no diagnostics arrived; got: ' .. codes())
end
say('diagnostics: ' .. codes())
local typo = find('unknown-source-attribute')
say('typo at ' .. typo.lnum .. ':' .. typo.col .. ': ' .. typo.message)

local client = vim.lsp.get_client_by_id(client_id)
local line = vim.api.nvim_buf_get_lines(buf, typo.lnum, typo.lnum + 1, false)[1]
local params = {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  range = { start = { line = typo.lnum, character = 0 }, ['end'] = { line = typo.lnum, character = #line } },
  context = { diagnostics = {} },
}
local response = client.request_sync('textDocument/codeAction', params, 10000, buf)
if not response or response.err then fail('codeAction failed: ' .. vim.inspect(response)) end
local chosen
for _, action in ipairs(response.result or {}) do
  say('action: ' .. action.title)
  if action.isPreferred then chosen = action end
end
if not chosen then fail('no preferred quick fix') end
vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding)
say('applied: ' .. chosen.title)

if not vim.wait(30000, function() return find('unknown-source-attribute') == nil end, 20) then
  fail('the fix was not re-checked; still: ' .. codes())
end
say('after the fix: ' .. codes())
vim.cmd('write')
say('written')
log:close()
vim.lsp.stop_client(client_id)
vim.cmd('qall!')
