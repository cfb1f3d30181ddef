from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    with open("visits.log", "a") as fh:
        fh.write("visit\n")
    return "ok"


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=7860)
