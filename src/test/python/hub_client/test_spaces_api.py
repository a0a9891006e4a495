"""Spaceport's hub, driven by the real `huggingface_hub` client from PyPI.

Each test is one thing a user's script does with Spaces through `HfApi(endpoint=HF_ENDPOINT)`: create a
Space with hardware, sleep time, a secret and a variable, push its files with `upload_folder`, wait for it
to run, read it back (`space_info`, `list_spaces`, `get_space_runtime`), change its hardware and sleep time,
manage secrets and variables, pause and restart it, commit and delete single files, delete it, and see the
errors the client turns the hub's answers into (a missing Space, a Space another user may not see, a bad
token). The contract is shared/reference/hub-api.md; the same tests run on the newest 2.x and 1.x clients.

How it is run (by the Java integration test, against a hub it started):

    HF_ENDPOINT=http://127.0.0.1:PORT HF_TOKEN=<alice> SPACEPORT_OWNER=<namespace alice may write in> \\
    SPACEPORT_OTHER_TOKEN=<bob, no rights there> SPACEPORT_HARDWARE=t4-small \\
    SPACEPORT_OTHER_HARDWARE=cpu-upgrade [SPACEPORT_WAIT_SECONDS=90] \\
        src/test/python/hub_client/run.sh 2|1 [pytest args]

run.sh builds (once) a cached venv with the pinned client of that release line (venv.sh), prints the
client's version and runs pytest on this folder. Every wait (a stage to reach, a deletion to show) gives
up after SPACEPORT_WAIT_SECONDS, and so does every single HTTP call. The Spaces get names unique to the run
and are deleted at the end, also when a test fails.
"""

import json
import re
import secrets
import time
from urllib.parse import urlsplit

import pytest
from huggingface_hub import HfApi, get_session
from huggingface_hub.errors import HfHubHTTPError, RepositoryNotFoundError
from huggingface_hub.utils import build_hf_headers, hf_raise_for_status

SPACE = "space"


# ---------------------------------------------------------------- helpers


def wait_for_stage(api: HfApi, repo_id: str, stage: str, seconds: float):
    """Polls get_space_runtime until `stage`, for at most `seconds`; fails with the stages seen on the way."""
    deadline = time.monotonic() + seconds
    seen: list[str] = []
    while True:
        runtime = api.get_space_runtime(repo_id)
        if not seen or seen[-1] != runtime.stage:
            seen.append(runtime.stage)
        if runtime.stage == stage:
            return runtime
        left = deadline - time.monotonic()
        if left <= 0:
            pytest.fail(
                f"{repo_id} did not reach {stage} within {seconds:.0f}s; stages seen: {' -> '.join(seen)}; "
                f"last runtime: {json.dumps(runtime.raw)}"
            )
        time.sleep(min(1.0, left))


def wait_until_missing(api: HfApi, repo_id: str, seconds: float) -> None:
    """Polls repo_exists until False, for at most `seconds`."""
    deadline = time.monotonic() + seconds
    while api.repo_exists(repo_id, repo_type=SPACE):
        left = deadline - time.monotonic()
        if left <= 0:
            pytest.fail(f"{repo_id} still exists {seconds:.0f}s after delete_repo")
        time.sleep(min(1.0, left))


def subdomain_of(repo_id: str) -> str:
    """The Hub's convention: '{namespace}-{name}', lower case, every non-alphanumeric character a '-'."""
    return re.sub(r"[^a-z0-9]", "-", repo_id.replace("/", "-").lower())


def host_of(url: str) -> str:
    return urlsplit(url).netloc.lower()


# ---------------------------------------------------------------- create, upload, run


def test_created_space_runs_its_uploaded_app_on_the_requested_hardware_and_sleep_time(api, settings, space):
    assert host_of(space.url) == host_of(settings.endpoint), f"create_repo returned {space.url!r}"
    assert space.url.repo_id == space.repo_id
    assert space.url.repo_type == SPACE

    runtime = wait_for_stage(api, space.repo_id, "RUNNING", settings.wait_seconds)

    assert runtime.requested_hardware == settings.hardware
    assert runtime.sleep_time == 600


def test_space_info_describes_the_space_from_its_readme_and_last_commit(api, settings, space):
    info = api.space_info(space.repo_id)

    assert info.id == space.repo_id
    assert info.sdk == "gradio"
    assert info.card_data is not None and info.card_data.title == space.title
    assert {"README.md", "app.py"} <= {sibling.rfilename for sibling in info.siblings or []}
    assert info.sha == space.commit_oid
    assert info.host, "space_info has no host"
    # One DNS label: {owner}-{name}, or past 63 characters its start and a hash (Spaceport's rule).
    expected = subdomain_of(space.repo_id)
    if len(expected) <= 63:
        assert info.subdomain == expected
    else:
        assert len(info.subdomain) <= 63 and info.subdomain[:40] == expected[:40]
    assert urlsplit(info.host).hostname.split(".")[0] == info.subdomain
    assert info.private is False
    assert info.runtime is not None and info.runtime.stage


def test_list_spaces_by_author_includes_the_space_and_honours_limit(api, settings, space):
    assert space.repo_id in {info.id for info in api.list_spaces(author=settings.owner)}
    assert len(list(api.list_spaces(author=settings.owner, limit=1))) == 1


# ---------------------------------------------------------------- settings


def test_hardware_and_sleep_time_requests_change_the_runtime(api, settings, space):
    runtime = api.request_space_hardware(space.repo_id, settings.other_hardware)
    assert runtime.requested_hardware == settings.other_hardware

    runtime = api.set_space_sleep_time(space.repo_id, 900)
    assert runtime.sleep_time == 900

    stored = api.get_space_runtime(space.repo_id)
    assert (stored.requested_hardware, stored.sleep_time) == (settings.other_hardware, 900)


def test_secrets_are_added_listed_by_key_only_and_deleted(api, settings, space):
    value = f"v4lue-{secrets.token_hex(8)}"
    api.add_space_secret(space.repo_id, "EXTRA_SECRET", value, description="added by the test")

    if hasattr(api, "get_space_secrets"):
        listed = api.get_space_secrets(space.repo_id)
        assert {"API_KEY", "EXTRA_SECRET"} <= set(listed)
        # The typed result cannot show a leaked value: read the raw answer too.
        response = get_session().get(
            f"{settings.endpoint}/api/spaces/{space.repo_id}/secrets", headers=build_hf_headers(token=settings.token)
        )
        hf_raise_for_status(response)
        assert value not in response.text and space.secret_value not in response.text, response.text

    api.delete_space_secret(space.repo_id, "EXTRA_SECRET")

    if hasattr(api, "get_space_secrets"):
        assert "EXTRA_SECRET" not in api.get_space_secrets(space.repo_id)
        assert "API_KEY" in api.get_space_secrets(space.repo_id)


def test_variables_are_added_listed_with_values_and_deleted(api, space):
    after_add = api.add_space_variable(space.repo_id, "COLOR", "blue")
    assert after_add["COLOR"].value == "blue"
    assert after_add["GREETING"].value == "hi"  # the full map, with the variable given to create_repo

    listed = {key: variable.value for key, variable in api.get_space_variables(space.repo_id).items()}
    assert {"GREETING": "hi", "COLOR": "blue"}.items() <= listed.items(), listed

    after_delete = api.delete_space_variable(space.repo_id, "COLOR")
    assert "COLOR" not in after_delete
    listed = api.get_space_variables(space.repo_id)
    assert "COLOR" not in listed and "GREETING" in listed, listed


def test_paused_space_stays_paused_until_restarted_then_runs_again(api, settings, space):
    paused = api.pause_space(space.repo_id)
    assert paused.stage == "PAUSED"
    assert api.get_space_runtime(space.repo_id).stage == "PAUSED"

    restarted = api.restart_space(space.repo_id)
    assert restarted.stage != "PAUSED"
    wait_for_stage(api, space.repo_id, "RUNNING", settings.wait_seconds)


# ---------------------------------------------------------------- visibility and errors


def test_missing_space_does_not_exist_and_raises_repository_not_found(api, settings):
    missing = f"{settings.owner}/does-not-exist-xyz"

    assert api.repo_exists(missing, repo_type=SPACE) is False
    with pytest.raises(RepositoryNotFoundError):
        api.space_info(missing)


def test_user_without_rights_in_the_namespace_cannot_see_the_space(bob_api, settings, space):
    with pytest.raises(RepositoryNotFoundError):
        bob_api.space_info(space.repo_id)
    assert bob_api.repo_exists(space.repo_id, repo_type=SPACE) is False
    assert space.repo_id not in {info.id for info in bob_api.list_spaces(author=settings.owner)}


def test_whoami_with_a_bad_token_raises_invalid_user_token(api):
    bad_token = f"hf_{secrets.token_hex(16)}"

    with pytest.raises(HfHubHTTPError, match="Invalid user token"):
        api.whoami(token=bad_token)


def test_whoami_names_the_token_user(api):
    me = api.whoami()

    assert isinstance(me, dict)
    assert isinstance(me.get("name"), str) and me["name"], me


# ---------------------------------------------------------------- commits


def test_uploaded_file_is_listed_until_deleted(api, space):
    path = "notes/roundtrip.txt"

    api.upload_file(path_or_fileobj=b"roundtrip\n", path_in_repo=path, repo_id=space.repo_id, repo_type=SPACE)
    assert path in api.list_repo_files(space.repo_id, repo_type=SPACE)

    api.delete_file(path, space.repo_id, repo_type=SPACE)
    assert path not in api.list_repo_files(space.repo_id, repo_type=SPACE)


def test_upload_of_an_unchanged_file_makes_no_new_commit(api, space):
    path = "notes/unchanged.txt"
    content = f"unchanged {secrets.token_hex(4)}\n".encode()

    first = api.upload_file(path_or_fileobj=content, path_in_repo=path, repo_id=space.repo_id, repo_type=SPACE)
    try:
        # The hub's preupload answer carries the file's git blob id, so the client skips it and reports the
        # head commit (GET .../revision/main) instead of committing.
        again = api.upload_file(path_or_fileobj=content, path_in_repo=path, repo_id=space.repo_id, repo_type=SPACE)
        assert again.oid == first.oid
        assert api.space_info(space.repo_id).sha == first.oid
    finally:
        api.delete_file(path, space.repo_id, repo_type=SPACE)


def test_deleted_space_no_longer_exists_and_missing_ok_ignores_a_missing_one(api, settings, unique_name):
    repo_id = f"{settings.owner}/{unique_name('hc-del')}"
    api.create_repo(repo_id, repo_type=SPACE, space_sdk="gradio", space_hardware=settings.hardware)
    try:
        assert api.repo_exists(repo_id, repo_type=SPACE) is True

        api.delete_repo(repo_id, repo_type=SPACE)
        wait_until_missing(api, repo_id, settings.wait_seconds)

        api.delete_repo(repo_id, repo_type=SPACE, missing_ok=True)
        api.delete_repo(f"{settings.owner}/does-not-exist-xyz", repo_type=SPACE, missing_ok=True)
    finally:
        api.delete_repo(repo_id, repo_type=SPACE, missing_ok=True)


def test_create_repo_with_exist_ok_returns_the_existing_space_url(api, settings, space):
    url = api.create_repo(space.repo_id, repo_type=SPACE, space_sdk="gradio", exist_ok=True)

    assert host_of(url) == host_of(settings.endpoint), f"create_repo returned {url!r}"
    assert url.repo_id == space.repo_id
    assert url.repo_type == SPACE


def test_private_flag_is_set_at_creation_and_changed_with_update_repo_settings(api, settings, unique_name):
    repo_id = f"{settings.owner}/{unique_name('hc-priv')}"
    api.create_repo(repo_id, repo_type=SPACE, space_sdk="gradio", private=True)
    try:
        assert api.space_info(repo_id).private is True
        api.update_repo_settings(repo_id, repo_type=SPACE, private=False)
        assert api.space_info(repo_id).private is False
    finally:
        api.delete_repo(repo_id, repo_type=SPACE, missing_ok=True)


def test_duplicate_repo_copies_the_files_under_a_new_id(api, settings, space, unique_name):
    if not hasattr(api, "duplicate_repo"):
        pytest.skip("this client has duplicate_space only")
    to_id = f"{settings.owner}/{unique_name('hc-dup')}"
    try:
        url = api.duplicate_repo(space.repo_id, to_id, repo_type=SPACE)
        assert host_of(url) == host_of(settings.endpoint)
        copy = api.space_info(to_id)
        assert copy.sha == api.space_info(space.repo_id).sha
        assert {"README.md", "app.py"} <= {s.rfilename for s in copy.siblings or []}
    finally:
        api.delete_repo(to_id, repo_type=SPACE, missing_ok=True)


def test_hf_hub_download_fetches_a_file_at_a_commit(api, space, tmp_path):
    sha = api.space_info(space.repo_id).sha
    path = api.hf_hub_download(space.repo_id, "app.py", repo_type=SPACE, revision=sha, cache_dir=tmp_path)
    with open(path, encoding="utf-8") as f:
        assert "gradio" in f.read()
