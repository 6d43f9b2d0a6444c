-- multiprom language server config for Neovim >= 0.11.
-- Put this file on 'runtimepath' (e.g. ~/.config/nvim/lsp/multiprom.lua) and
-- call vim.lsp.enable('multiprom').

---@type vim.lsp.Config
return {
  cmd = { 'multiprom', 'serve' },
  filetypes = { 'python' },
  -- Walk up from each file: gunicorn.conf.py marks the app that gunicorn runs.
  root_markers = { 'gunicorn.conf.py', 'pyproject.toml', 'requirements.txt', '.git' },
  -- Sent as workspace/didChangeConfiguration { settings = { multiprom = ... } }
  -- and used to answer workspace/configuration.
  settings = {
    multiprom = {
      run = 'onType', -- or 'onSave'
      -- select = { 'MP3' },
      -- ignore = { 'MP301' },
      -- applicationTag = 'shop',
    },
  },
  -- The server reads its first settings from initializationOptions.settings.
  before_init = function(params, config)
    if params.initializationOptions == nil then
      params.initializationOptions = { settings = (config.settings or {}).multiprom or {} }
    end
  end,
}
