"""`make demo`'s Hub step: the Hub's own Python client (huggingface_hub) creates a Gradio Space on
this cluster from a folder with a tiny app, and waits for it to run. HF_ENDPOINT and HF_TOKEN name
the hub and a Kubernetes token, as for any user.

    python hack/hub-demo.py OWNER NAME FOLDER
"""
import sys
import time

from huggingface_hub import HfApi

owner, name, folder = sys.argv[1:4]
api = HfApi()
repo_id = f"{owner}/{name}"
print(f"  whoami: {api.whoami()['name']}")
url = api.create_repo(repo_id, repo_type="space", space_sdk="gradio", space_sleep_time=3600, exist_ok=True)
print(f"  create_repo -> {url}")
commit = api.upload_folder(folder_path=folder, repo_id=repo_id, repo_type="space", commit_message="A tiny app")
print(f"  upload_folder -> commit {commit.oid[:12]}")
deadline = time.monotonic() + 180
stage = None
while time.monotonic() < deadline:
    stage = api.get_space_runtime(repo_id).stage
    if stage == "RUNNING":
        break
    time.sleep(1)
info = api.space_info(repo_id)
print(f"  get_space_runtime -> {stage}; space_info: sdk={info.sdk} title={info.card_data.title!r} "
      f"files={[s.rfilename for s in info.siblings]} host={info.host}")
sys.exit(0 if stage == "RUNNING" else 1)
