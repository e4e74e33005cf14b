import os

from django.core.wsgi import get_wsgi_application

from config.chunked import TerminatedInput
from langso.core.serving import loaded_objects_freeze

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
# gunicorn passes chunked request bodies without a Content-Length (config/chunked.py).
application = TerminatedInput(get_wsgi_application())
loaded_objects_freeze()
