"""Deploy workflows, read with line numbers: Hub pushes, checkout options, literal tokens."""

from __future__ import annotations

from pathlib import Path

from spacedoctor.sources.repo import Tree
from spacedoctor.sources.workflows import deploys_by_upload_only, parse_workflow, workflows_of

DOCS = """\
name: Sync to Hugging Face hub
on:
  push:
    branches: [main]
jobs:
  sync-to-hub:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v3
        with:
          fetch-depth: 0
          lfs: true
      - name: Push to hub
        env:
          HF_TOKEN: ${{ secrets.HF_TOKEN }}
        run: git push https://HF_USERNAME:$HF_TOKEN@huggingface.co/spaces/HF_USERNAME/SPACE main
"""


def test_documented_git_push_workflow() -> None:
    flow = parse_workflow(DOCS, ".github/workflows/sync.yml")
    assert flow.error is None
    (job,) = flow.jobs
    assert job.name == "sync-to-hub"
    (checkout,) = job.checkouts
    assert (checkout.line, checkout.full_history, checkout.lfs) == (9, True, True)
    assert [(p.line, p.kind) for p in job.pushes] == [(16, "git")]
    assert flow.literal_tokens == ()
    assert flow.deploys


def test_defaults_and_expressions() -> None:
    text = DOCS.replace("fetch-depth: 0", "fetch-depth: ${{ inputs.depth }}").replace(
        "          lfs: true\n", ""
    )
    (job,) = parse_workflow(text, "w.yml").jobs
    assert job.checkouts[0].full_history is None  # decided at run time: not judged
    assert job.checkouts[0].lfs is False


def test_remote_added_in_one_step_and_pushed_in_another() -> None:
    text = """\
jobs:
  deploy:
    steps:
      - uses: actions/checkout@v4
      - run: git remote add space https://u:$TOKEN@hf.co/spaces/u/s
      - run: |
          git fetch --unshallow
          git lfs pull
          git push space main
"""
    (job,) = parse_workflow(text, "w.yml").jobs
    assert [(p.line, p.kind) for p in job.pushes] == [(6, "git")]
    assert job.unshallows and job.fetches_lfs


def test_pushes_elsewhere_are_not_hub_pushes() -> None:
    text = """\
jobs:
  pages:
    steps:
      - uses: actions/checkout@v4
      - run: git push origin HEAD:gh-pages
      - run: curl https://huggingface.co/api/models
"""
    flow = parse_workflow(text, "w.yml")
    assert not flow.deploys


def test_uploads_count_as_upload_deploys() -> None:
    text = """\
jobs:
  a:
    steps:
      - uses: actions/checkout@v4
      - uses: huggingface/hub-sync@v0.3.0
        with:
          huggingface_repo_id: u/s
          hf_token: ${{ secrets.HF_TOKEN }}
  b:
    steps:
      - run: hf upload u/s . --repo-type=space
"""
    flow = parse_workflow(text, "w.yml")
    assert [[(p.line, p.kind) for p in j.pushes] for j in flow.jobs] == [
        [(5, "upload")],
        [(11, "upload")],
    ]
    assert flow.literal_tokens == ()
    assert deploys_by_upload_only([flow])
    assert not deploys_by_upload_only([flow, parse_workflow(DOCS, "d.yml")])
    assert not deploys_by_upload_only([])


def test_literal_tokens_are_found_by_line_and_never_kept() -> None:
    token = "hf_" + "Ab3" * 12  # built at run time: no token-shaped literal in the sources
    text = f"""\
env:
  HF_TOKEN: {token}
jobs:
  deploy:
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - run: git push https://bob:pa55word@huggingface.co/spaces/bob/s main
      - run: git push https://bob:$HF_TOKEN@huggingface.co/spaces/bob/s main
      - run: git push "https://bob:${{{{ secrets.HF_TOKEN }}}}@huggingface.co/spaces/bob/s" main
      # - run: git push https://bob:old-password@huggingface.co/spaces/bob/s main
"""
    flow = parse_workflow(text, "w.yml")
    assert [(t.line, t.kind) for t in flow.literal_tokens] == [
        (2, "a Hugging Face token written literally"),
        (9, "a password written into the Hub URL"),
    ]
    assert token not in repr(flow) and "pa55word" not in repr(flow)


def test_literal_tokens_only_matter_in_deploying_workflows() -> None:
    token = "hf_" + "Zz9" * 12
    flow = parse_workflow(f"env:\n  T: {token}\njobs:\n  a:\n    steps: []\n", "w.yml")
    assert flow.literal_tokens == ()


def test_broken_yaml_is_an_error_not_a_crash() -> None:
    flow = parse_workflow("jobs: [\n", "w.yml")
    assert flow.error is not None and flow.jobs == ()
    assert parse_workflow("- a\n- b\n", "w.yml").error == "not a mapping"


def test_workflows_of_reads_only_the_workflow_folder(tmp_path: Path) -> None:
    wf = tmp_path / ".github" / "workflows"
    (wf / "sub").mkdir(parents=True)
    (wf / "a.yml").write_text(DOCS)
    (wf / "b.yaml").write_text("jobs: {}\n")
    (wf / "notes.md").write_text("not a workflow\n")
    (wf / "sub" / "c.yml").write_text(DOCS)
    (tmp_path / "space").mkdir()
    flows = workflows_of(Tree.walk(tmp_path))
    assert [f.path for f in flows] == [".github/workflows/a.yml", ".github/workflows/b.yaml"]
