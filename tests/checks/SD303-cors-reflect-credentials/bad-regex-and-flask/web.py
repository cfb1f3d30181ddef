from flask import Flask
from flask_cors import CORS, cross_origin

app = Flask(__name__)
# flask-cors defaults to origins="*": with credentials it echoes every Origin.
CORS(app, supports_credentials=True)  # expect: SD303


@app.route("/profile")
@cross_origin(origins="*", supports_credentials=True)  # expect: SD303
def profile() -> str:
    return "me"
