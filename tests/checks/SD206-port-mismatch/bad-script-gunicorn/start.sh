#!/bin/bash
set -e
exec gunicorn -b 0.0.0.0:5000 app:app  # expect: SD206
