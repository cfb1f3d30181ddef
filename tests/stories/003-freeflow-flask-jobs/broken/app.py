"""FreeFlow: image annotation and training on Hugging Face Jobs."""

import json
import os
import threading
import uuid

from flask import Flask, jsonify, request, send_from_directory
from huggingface_hub import HfApi, inspect_job, run_job, snapshot_download

app = Flask(__name__, static_folder="static")

BASE_DIR = os.path.dirname(os.path.abspath(__file__))
PROJECTS_DIR = os.path.join(BASE_DIR, "projects")
# expect: SD310
os.makedirs(PROJECTS_DIR, exist_ok=True)

# Check if running in Space
is_space = 'SPACE_ID' in os.environ


def credentials(body):
    if is_space:
        # Use Space's token
        hf_api_key = os.environ.get('HF_TOKEN')
        hf_username = os.environ.get('SPACE_AUTHOR', 'user')
    else:
        hf_api_key = body.get('apiKey')
        hf_username = body.get('username')
    return hf_username, hf_api_key


def project_dir(project_id):
    return os.path.join(PROJECTS_DIR, project_id)


@app.route("/")
def index():
    return send_from_directory("static", "index.html")


@app.route("/api/config")
def config():
    return jsonify({"isSpace": is_space})


@app.route("/api/projects", methods=["POST"])
def create_project():
    project_id = uuid.uuid4().hex[:8]
    os.makedirs(os.path.join(project_dir(project_id), "images"))
    with open(os.path.join(project_dir(project_id), "project.json"), "w") as fh:
        json.dump({"id": project_id, "name": request.json.get("name", project_id)}, fh)
    return jsonify({"id": project_id}), 201


@app.route("/api/projects/<project_id>/images", methods=["POST"])
def upload_image(project_id):
    f = request.files["image"]
    f.save(os.path.join(project_dir(project_id), "images", f.filename))
    return jsonify({"ok": True})


@app.route("/api/projects/<project_id>/annotations", methods=["PUT"])
def save_annotations(project_id):
    with open(os.path.join(project_dir(project_id), "annotations.json"), "w") as fh:
        json.dump(request.json, fh)
    return jsonify({"ok": True})


def _train(project_id, username, token, hardware, status_file):
    api = HfApi(token=token)
    repo_id = f"{username}/freeflow-{project_id}"
    api.create_repo(repo_id, repo_type="dataset", private=True, exist_ok=True)
    api.upload_folder(repo_id=repo_id, repo_type="dataset", folder_path=project_dir(project_id))
    job = run_job(
        image="ghcr.io/freeflow/trainer:latest",
        command=["python", "train.py", "--dataset", repo_id],
        flavor=hardware,
        token=token,
    )
    with open(status_file, "w") as fh:
        json.dump({"job_id": job.id, "dataset": repo_id}, fh)


@app.route("/api/projects/<project_id>/train", methods=["POST"])
def train(project_id):
    body = request.json or {}
    username, token = credentials(body)
    status_file = os.path.join(project_dir(project_id), "training.json")
    threading.Thread(
        target=_train,
        args=(project_id, username, token, body.get("hardware", "t4-small"), status_file),
        daemon=True,
    ).start()
    return jsonify({"status": "started"}), 202


def _fetch_model(project_id, model_repo, token):
    path = snapshot_download(model_repo, token=token)
    with open(os.path.join(project_dir(project_id), "model.json"), "w") as fh:
        json.dump({"repo": model_repo, "path": path}, fh)


@app.route("/api/projects/<project_id>/training")
def training_status(project_id):
    with open(os.path.join(project_dir(project_id), "training.json")) as fh:
        info = json.load(fh)
    username, token = credentials({})
    stage = inspect_job(job_id=info["job_id"], token=token).status.stage
    if stage == "COMPLETED" and "model" not in info:
        # Download results back to the Space
        model_repo = f"{username}/freeflow-{project_id}-model"
        threading.Thread(target=_fetch_model, args=(project_id, model_repo, token)).start()
        info["model"] = model_repo
    return jsonify({"stage": stage, **info})


if __name__ == "__main__":
    # expect: SD308
    app.run(port=7860)
