# No model library in this Space: `.generate()` is a password generator, not inference.
from flask import Flask, jsonify

from passwords import PasswordGenerator

app = Flask(__name__)
gen = PasswordGenerator()


@app.get("/password")
def password():
    return jsonify(password=gen.generate(length=16))
