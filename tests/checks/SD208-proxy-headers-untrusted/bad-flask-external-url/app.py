from flask import Flask, url_for

app = Flask(__name__)


@app.route("/")
def index():
    return {"self": url_for("index", _external=True)}


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=7860)  # expect: SD208
