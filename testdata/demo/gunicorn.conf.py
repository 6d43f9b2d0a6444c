# gunicorn settings for the demo shop. Loaded with -c by the Procfile's web process.
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = 4
worker_class = "sync"
timeout = 60
accesslog = "-"
