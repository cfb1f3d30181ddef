from flask import Flask
from flask_talisman import Talisman

app = Flask(__name__)
Talisman(app, frame_options=None, content_security_policy={"default-src": "'self'"})
# ALLOW-FROM is ignored by current browsers: it does not block anything.
LEGACY = {"X-Frame-Options": "ALLOW-FROM https://huggingface.co"}
