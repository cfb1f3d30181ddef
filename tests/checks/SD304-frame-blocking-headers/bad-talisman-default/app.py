from flask import Flask
from flask_talisman import Talisman

app = Flask(__name__)
# flask-talisman's default frame_options is SAMEORIGIN.
Talisman(app, force_https=False)  # expect: SD304
