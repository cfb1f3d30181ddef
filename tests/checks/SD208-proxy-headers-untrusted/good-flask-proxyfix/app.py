from flask import Flask, url_for
from werkzeug.middleware.proxy_fix import ProxyFix

app = Flask(__name__)
app.wsgi_app = ProxyFix(app.wsgi_app, x_proto=1, x_host=1)


@app.route("/")
def index():
    return {"self": url_for("index", _external=True)}


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=7860)
