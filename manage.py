#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")
    # The shell is where people develop: manage.py runs in debug mode unless DEBUG says
    # otherwise. Production sets DEBUG=0 (docker-compose.yml does), and the web server
    # (mentoring/wsgi.py) and Celery never default to debug.
    os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
