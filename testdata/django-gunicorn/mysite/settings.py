"""Settings of the smallest Django project that serves a view and /metrics."""
SECRET_KEY = "testdata-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["shop"]
MIDDLEWARE = []
ROOT_URLCONF = "mysite.urls"
USE_TZ = True
