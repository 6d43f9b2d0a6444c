-- End-to-end test in a real headless Neovim (Debian's 0.7): start multiprom
-- with the settings from lsp/multiprom.lua, wait for MP301 on the demo's
-- metrics.py, apply the quickfix's workspace edit, check the server clears the
-- diagnostic, :write, and exit 0 only if all of that happened.
--
-- Run by run.sh:  MULTIPROM_BIN=... MP_FILE=<copy>/demo_app/metrics.py \
--   nvim --headless -u NONE -i NONE -n -c 'luafile test/e2e.lua'
-- Neovim 0.7 has no vim.lsp.start/vim.lsp.config, so the client is started by
-- hand and advertises its capabilities itself.

local DEADLINE_MS = 30000
-- The demo's Gauge without multiprocess_mode (demo_app/metrics.py).
local MP301_LINE = 18

local function log(msg)
  io.stdout:write('nvim-e2e: ' .. msg .. '\n')
end

local client_id

local function stop_client()
  local client = client_id and vim.lsp.get_client_by_id(client_id)
  if client then
    client.stop()
    -- shutdown + exit; the server must be gone before nvim quits so that no
    -- process is left behind.
    if not vim.wait(10000, function() return client.is_stopped() end, 50) then
      log('server did not stop after shutdown/exit; forcing')
      client.stop(true)
      return false
    end
  end
  return true
end

local function finish(ok, msg)
  log((ok and 'PASS: ' or 'FAIL: ') .. msg)
  local stopped = stop_client()
  if ok and not stopped then
    log('FAIL: server ignored shutdown/exit')
    ok = false
  end
  io.stdout:flush()
  vim.cmd(ok and 'qall!' or 'cquit! 1')
end

local function run()
  local bin = assert(os.getenv('MULTIPROM_BIN'), 'MULTIPROM_BIN not set')
  local file = assert(os.getenv('MP_FILE'), 'MP_FILE not set')
  local here = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h')

  -- MP_CONFIG=lspconfig: the client is set up from
  -- lua/lspconfig/configs/multiprom.lua (nvim-lspconfig's framework, Nvim
  -- <= 0.10) instead of lsp/multiprom.lua (Nvim >= 0.11).
  local cmd, root, settings, init_options, before_init
  if os.getenv('MP_CONFIG') == 'lspconfig' then
    local ok_util = pcall(require, 'lspconfig.util')
    if not ok_util then
      -- No nvim-lspconfig installed: stand in for the one function the config
      -- uses, lspconfig.util.root_pattern (the nearest folder upward that holds
      -- any of the markers).
      log('nvim-lspconfig not on runtimepath: using a stand-in for lspconfig.util.root_pattern')
      package.loaded['lspconfig.util'] = {
        root_pattern = function(...)
          local markers = { ... }
          return function(fname)
            local dir = vim.fn.fnamemodify(fname, ':p:h')
            while true do
              for _, marker in ipairs(markers) do
                if vim.loop.fs_stat(dir .. '/' .. marker) then
                  return dir
                end
              end
              local parent = vim.fn.fnamemodify(dir, ':h')
              if parent == dir then
                return nil
              end
              dir = parent
            end
          end
        end,
      }
    end
    local def = dofile(here .. '/../lua/lspconfig/configs/multiprom.lua').default_config
    cmd, settings, init_options = vim.deepcopy(def.cmd), def.settings, def.init_options
    root = def.root_dir(vim.fn.fnamemodify(file, ':p'))
    log('config: lua/lspconfig/configs/multiprom.lua')
  else
    local config = dofile(here .. '/../lsp/multiprom.lua')
    cmd, settings, before_init = vim.deepcopy(config.cmd), config.settings, config.before_init
    -- root_markers, resolved the way Neovim >= 0.11 does: nearest marker upward.
    local dir = vim.fn.fnamemodify(file, ':p:h')
    while not root do
      for _, marker in ipairs(config.root_markers) do
        if vim.loop.fs_stat(dir .. '/' .. marker) then
          root = dir
          break
        end
      end
      local parent = vim.fn.fnamemodify(dir, ':h')
      if parent == dir then
        break
      end
      dir = parent
    end
    log('config: lsp/multiprom.lua')
  end
  if not root then
    return finish(false, 'no root marker above ' .. file)
  end
  local want_root = os.getenv('MP_ROOT')
  if want_root and vim.fn.resolve(root) ~= vim.fn.resolve(want_root) then
    return finish(false, 'root is ' .. root .. ', expected ' .. want_root)
  end

  vim.cmd('filetype on')
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  if vim.bo[bufnr].filetype ~= 'python' then
    return finish(false, 'filetype is ' .. vim.bo[bufnr].filetype)
  end
  local uri = vim.uri_from_bufnr(bufnr)

  -- Keep the raw LSP diagnostics (with code and range) as the server sent them.
  local latest
  local handlers = {
    ['textDocument/publishDiagnostics'] = function(err, result, ctx, cfg)
      if result and result.uri == uri then
        latest = result
      end
      return vim.lsp.handlers['textDocument/publishDiagnostics'](err, result, ctx, cfg)
    end,
    -- Neovim 0.10 declares pull diagnostics: the server then answers
    -- textDocument/diagnostic instead of pushing the open buffer's.
    ['textDocument/diagnostic'] = function(err, result, ctx, cfg)
      if result and result.kind == 'full' and ctx.params.textDocument.uri == uri then
        latest = { uri = uri, diagnostics = result.items }
      end
      local h = vim.lsp.handlers['textDocument/diagnostic']
      if h then
        return h(err, result, ctx, cfg)
      end
    end,
  }
  local function find(code)
    for _, d in ipairs(latest and latest.diagnostics or {}) do
      if d.code == code then
        return d
      end
    end
  end

  cmd[1] = bin
  client_id = vim.lsp.start_client({
    name = 'multiprom',
    cmd = cmd,
    root_dir = root,
    capabilities = vim.lsp.protocol.make_client_capabilities(),
    settings = settings,
    init_options = init_options,
    before_init = before_init,
    handlers = handlers,
  })
  if not client_id then
    return finish(false, 'start_client failed for ' .. bin)
  end
  vim.lsp.buf_attach_client(bufnr, client_id)
  log('client ' .. client_id .. ' started in ' .. root)

  if not vim.wait(DEADLINE_MS, function() return find('MP301') ~= nil end, 50) then
    return finish(false, 'no MP301 published; last publish: ' .. vim.inspect(latest))
  end
  local diag = find('MP301')
  local client = vim.lsp.get_client_by_id(client_id)
  log('MP301 at line ' .. (diag.range.start.line + 1) .. ': ' .. diag.message)
  if diag.range.start.line + 1 ~= MP301_LINE then
    return finish(false, 'MP301 on line ' .. (diag.range.start.line + 1) .. ', expected ' .. MP301_LINE)
  end
  -- The number of diagnostics Neovim itself shows for the buffer.
  local shown = #vim.diagnostic.get(bufnr)
  if shown == 0 then
    return finish(false, 'vim.diagnostic has nothing for the buffer')
  end

  local responses, err = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', {
    textDocument = { uri = uri },
    range = diag.range,
    context = { diagnostics = { diag }, only = { 'quickfix' } },
  }, DEADLINE_MS)
  if not responses or not responses[client_id] then
    return finish(false, 'codeAction got no response: ' .. tostring(err))
  end
  local response = responses[client_id]
  if response.err then
    return finish(false, 'codeAction error: ' .. vim.inspect(response.err))
  end
  local action
  for _, a in ipairs(response.result or {}) do
    if type(a.kind) == 'string' and a.kind:find('^quickfix') then
      action = a
      break
    end
  end
  if not action then
    return finish(false, 'no quickfix: ' .. vim.inspect(response.result))
  end
  -- Neovim 0.7 advertises codeAction resolveSupport for 'edit', so the server
  -- may defer the edit; vim.lsp.buf.code_action would resolve it the same way.
  if not action.edit and action.data ~= nil then
    local resolved = vim.lsp.buf_request_sync(bufnr, 'codeAction/resolve', action, DEADLINE_MS)
    local r = resolved and resolved[client_id]
    if not r or r.err or not r.result then
      return finish(false, 'codeAction/resolve failed: ' .. vim.inspect(r))
    end
    action = r.result
  end
  if not action.edit then
    return finish(false, 'quickfix has no edit: ' .. vim.inspect(action))
  end
  log('applying "' .. action.title .. '"')
  vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding or 'utf-16')

  -- The edit reaches the server through Neovim's own didChange; it must
  -- answer with diagnostics that no longer contain MP301.
  if not vim.wait(DEADLINE_MS, function() return latest and find('MP301') == nil end, 50) then
    return finish(false, 'MP301 still published after the fix: ' .. vim.inspect(latest))
  end
  vim.cmd('silent write')
  finish(true, 'fixed ' .. file)
end

local ok, err = xpcall(run, debug.traceback)
if not ok then
  finish(false, 'error: ' .. tostring(err))
end
