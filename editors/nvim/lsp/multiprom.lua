---@brief
---
--- https://github.com/multiprom/multiprom
---
--- `multiprom`, a linter and language server for Prometheus client code that breaks
--- under multi-worker gunicorn (a `Gauge` without `multiprocess_mode`, metrics served
--- from the default registry, no `child_exit` hook, ...), with a fix for each problem.
---
--- Install the binary from a release, or with Go:
---
--- ```sh
--- go install github.com/multiprom/multiprom/cmd/multiprom@latest
--- ```
---
--- Settings (`select`, `ignore`, `severity`, `applicationTag`, `run`):
---
--- ```lua
--- vim.lsp.config('multiprom', {
---   settings = { multiprom = { run = 'onSave', ignore = { 'MP301' } } },
--- })
--- ```

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
    },
  },
  -- The server reads its first settings from initializationOptions.settings.
  before_init = function(params, config)
    if params.initializationOptions == nil then
      params.initializationOptions = { settings = (config.settings or {}).multiprom or {} }
    end
  end,
}
