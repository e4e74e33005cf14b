import os

from django.core.asgi import get_asgi_application

from langso.core.serving import loaded_objects_freeze

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_asgi_application()
loaded_objects_freeze()
