#!/bin/sh
set -e
exec gunicorn -c gunicorn.conf.py wsgi:app
