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
  -- Python, and the deploy files the server reads (Procfile, compose files,
  -- Dockerfiles, .env, requirements, systemd units, pyproject.toml, start-up
  -- scripts, uWSGI ini files): findings on them are published whether they are open or not;
  -- an open one is linted as typed. Neovim has no Procfile filetype: add one
  -- with vim.filetype.add({ filename = { Procfile = 'procfile' } }).
  filetypes = { 'python', 'dockerfile', 'yaml', 'yaml.docker-compose', 'requirements', 'toml', 'systemd', 'sh', 'conf', 'dosini', 'procfile' },
  -- The repository first: the server splits it into services as
  -- `multiprom check` does (a root compose file is seen by each service it
  -- builds); without one, gunicorn.conf.py marks the app gunicorn runs, and
  -- manage.py a Django project's root, uwsgi.ini a uWSGI app.
  root_markers = { '.git', 'gunicorn.conf.py', 'manage.py', 'uwsgi.ini', 'pyproject.toml', 'requirements.txt' },
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
