-- multiprom for nvim-lspconfig's `lspconfig.configs` framework (Nvim 0.10 and
-- older; nvim-lspconfig v2.3 is the last release for 0.10). Nvim 0.11+ uses lsp/multiprom.lua instead.
-- With this folder's parent on 'runtimepath':  require('lspconfig').multiprom.setup({})
local util = require 'lspconfig.util'

return {
  default_config = {
    cmd = { 'multiprom', 'serve' },
    filetypes = { 'python', 'dockerfile', 'yaml', 'yaml.docker-compose', 'requirements', 'toml', 'systemd', 'sh', 'conf', 'dosini', 'procfile' },
    -- The repository is the workspace (the server splits it into services,
    -- as `multiprom check` does); outside one, the app's own folder.
    root_dir = function(fname)
      return util.root_pattern('.git')(fname) or util.root_pattern('gunicorn.conf.py', 'manage.py', 'pyproject.toml', 'requirements.txt')(fname)
    end,
    single_file_support = true,
    -- The server reads its first settings from initializationOptions.settings,
    -- later ones from didChangeConfiguration / workspace/configuration.
    init_options = { settings = { run = 'onType' } },
    settings = { multiprom = { run = 'onType' } },
  },
  docs = {
    description = [[
https://github.com/multiprom/multiprom

`multiprom`, a linter and language server for Prometheus client code that breaks
under multi-worker gunicorn (a `Gauge` without `multiprocess_mode`, metrics served
from the default registry, no `child_exit` hook, ...), with a fix for each problem.

```sh
go install github.com/multiprom/multiprom/cmd/multiprom@latest
```

Settings (`select`, `ignore`, `severity`, `applicationTag`, `run`):

```lua
require('lspconfig').multiprom.setup({
  init_options = { settings = { run = 'onSave', ignore = { 'MP301' } } },
  settings = { multiprom = { run = 'onSave', ignore = { 'MP301' } } },
})
```
]],
  },
}
