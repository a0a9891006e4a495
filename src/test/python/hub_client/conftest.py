"""Fixtures of the Hub client suite: the settings read from the environment, a client per user, and one
Space created (and deleted at the end) for the tests that need an existing, deployed Space.

See test_spaces_api.py for what the suite checks and which variables drive it.
"""

import os
import secrets
import textwrap
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from huggingface_hub import HfApi, RepoUrl, get_session


@dataclass(frozen=True)
class Settings:
    endpoint: str  # HF_ENDPOINT: the hub, e.g. http://127.0.0.1:8090
    token: str  # HF_TOKEN: alice, who may edit Spaces in `owner`
    other_token: str  # SPACEPORT_OTHER_TOKEN: bob, who has no rights in `owner`
    owner: str  # SPACEPORT_OWNER: the namespace alice writes in
    hardware: str  # SPACEPORT_HARDWARE: a flavor that exists
    other_hardware: str  # SPACEPORT_OTHER_HARDWARE: another flavor that exists
    wait_seconds: float  # SPACEPORT_WAIT_SECONDS: bound on every wait loop (and on each HTTP call)


REQUIRED = (
    "HF_ENDPOINT",
    "HF_TOKEN",
    "SPACEPORT_OWNER",
    "SPACEPORT_OTHER_TOKEN",
    "SPACEPORT_HARDWARE",
    "SPACEPORT_OTHER_HARDWARE",
)

# The tests create and delete Spaces with the tokens they are given: never against the real Hub.
REAL_HUB_HOSTS = {"huggingface.co", "hf.co", "hub-ci.huggingface.co"}


@pytest.fixture(scope="session")
def settings() -> Settings:
    missing = [name for name in REQUIRED if not os.environ.get(name)]
    if missing:
        pytest.fail(
            "the hub client suite needs a running hub and these environment variables: "
            + ", ".join(missing)
            + " (see the docstring of test_spaces_api.py)",
            pytrace=False,
        )
    endpoint = os.environ["HF_ENDPOINT"].rstrip("/")
    host = (urlsplit(endpoint).hostname or "").lower()
    if not host or host in REAL_HUB_HOSTS or host.endswith(".huggingface.co"):
        pytest.fail(f"HF_ENDPOINT must name a Spaceport hub, not {endpoint!r}", pytrace=False)
    wait_seconds = float(os.environ.get("SPACEPORT_WAIT_SECONDS") or 90)
    if wait_seconds <= 0:
        pytest.fail(f"SPACEPORT_WAIT_SECONDS must be positive, got {wait_seconds}", pytrace=False)
    return Settings(
        endpoint=endpoint,
        token=os.environ["HF_TOKEN"],
        other_token=os.environ["SPACEPORT_OTHER_TOKEN"],
        owner=os.environ["SPACEPORT_OWNER"],
        hardware=os.environ["SPACEPORT_HARDWARE"],
        other_hardware=os.environ["SPACEPORT_OTHER_HARDWARE"],
        wait_seconds=wait_seconds,
    )


@pytest.fixture(scope="session", autouse=True)
def bounded_http_calls(request):
    """The client's shared HTTP session has no timeout by default: a hub that never answers would hang
    the run. Bound every call (the session is the client's own, shared by all HfApi instances)."""
    if request.config.option.collectonly:
        return
    wait_seconds = float(os.environ.get("SPACEPORT_WAIT_SECONDS") or 90)
    get_session().timeout = max(30.0, wait_seconds)


@pytest.fixture(scope="session")
def api(settings) -> HfApi:
    """alice's client."""
    return HfApi(endpoint=settings.endpoint, token=settings.token)


@pytest.fixture(scope="session")
def bob_api(settings) -> HfApi:
    """bob's client: no rights in alice's namespace."""
    return HfApi(endpoint=settings.endpoint, token=settings.other_token)


@pytest.fixture(scope="session")
def unique_name():
    """Names unique to this run (two client versions may run against one hub at once), short enough for
    Kubernetes names, lower case, no '--'."""
    run = secrets.token_hex(3)
    counter = iter(range(1000))

    def make(prefix: str = "hc") -> str:
        return f"{prefix}-{run}-{next(counter)}"

    return make


@dataclass
class DeployedSpace:
    repo_id: str
    name: str
    title: str
    url: RepoUrl  # what create_repo returned
    commit_oid: str  # the oid of the upload_folder commit
    secret_value: str  # the value of the secret API_KEY given to create_repo


@pytest.fixture(scope="module")
def space(api, settings, unique_name, tmp_path_factory):
    """A gradio Space created with hardware, sleep time, a secret and a variable, then given its files with
    upload_folder. Deleted at the end of the module, whatever happened."""
    name = unique_name("hc")
    repo_id = f"{settings.owner}/{name}"
    title = f"Hub client test {name}"
    secret_value = "s3cret"
    folder = tmp_path_factory.mktemp("space")
    (folder / "README.md").write_text(
        textwrap.dedent(
            f"""\
            ---
            title: {title}
            emoji: 🚀
            colorFrom: blue
            colorTo: green
            sdk: gradio
            app_file: app.py
            pinned: false
            ---

            A Space made by Spaceport's hub client tests.
            """
        ),
        encoding="utf-8",
    )
    (folder / "app.py").write_text(
        textwrap.dedent(
            """\
            import gradio as gr


            def greet(name):
                return f"Hello {name}!"


            demo = gr.Interface(fn=greet, inputs="text", outputs="text")
            demo.launch()
            """
        ),
        encoding="utf-8",
    )
    try:
        url = api.create_repo(
            repo_id,
            repo_type="space",
            space_sdk="gradio",
            space_hardware=settings.hardware,
            space_sleep_time=600,
            space_secrets=[{"key": "API_KEY", "value": secret_value}],
            space_variables=[{"key": "GREETING", "value": "hi"}],
            private=False,
        )
        commit = api.upload_folder(folder_path=folder, repo_id=repo_id, repo_type="space")
        yield DeployedSpace(
            repo_id=repo_id, name=name, title=title, url=url, commit_oid=commit.oid, secret_value=secret_value
        )
    finally:
        api.delete_repo(repo_id, repo_type="space", missing_ok=True)
