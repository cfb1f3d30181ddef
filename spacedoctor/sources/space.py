"""SpaceContext: everything a static check may read about one Space, each input parsed once."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from spacedoctor.api import SkipCheck
from spacedoctor.config import Settings
from spacedoctor.sources.card import Card, parse_card
from spacedoctor.sources.repo import RepoFiles, Tree

if TYPE_CHECKING:
    from spacedoctor.sources.deps import Deps, InstallPlan
    from spacedoctor.sources.dockerfile import DockerImage
    from spacedoctor.sources.gitattributes import GitAttributes
    from spacedoctor.sources.launch import Launches
    from spacedoctor.sources.pyapp import PyApp
    from spacedoctor.sources.webapp import WebApp
    from spacedoctor.sources.workflows import Workflow
    from spacedoctor.suppress import Suppressions


class SpaceContext:
    """One Space inside an audited tree. Paths that checks see and report are relative to the
    Space root; the engine adds the Space's folder for the report."""

    def __init__(
        self,
        tree: Tree,
        prefix: str = "",
        exclude: tuple[str, ...] = (),
        settings: Settings | None = None,
    ) -> None:
        self.tree = tree
        self.prefix = prefix
        self.repo = RepoFiles(tree, prefix, exclude)
        self.settings = settings or Settings()
        self.suppressions: Suppressions | None = None  # set by the engine for SD001

    @cached_property
    def card(self) -> Card:
        return parse_card(self.repo)

    @property
    def sdk(self) -> str | None:
        return self.card.sdk

    @cached_property
    def dockerfile(self) -> DockerImage | None:
        """The parsed Dockerfile at the Space root, or None when there is none."""
        from spacedoctor.sources.dockerfile import parse_dockerfile

        return parse_dockerfile(self.repo, self.settings)

    @cached_property
    def app(self) -> PyApp:
        """Every Python file of the Space, parsed with ast (never imported)."""
        from spacedoctor.sources.pyapp import parse_app

        return parse_app(self.repo)

    @cached_property
    def webapp(self) -> WebApp:
        """The web apps in the code: FastAPI/Starlette/Flask/Gradio objects, routes, mounts,
        middleware."""
        from spacedoctor.sources.webapp import build_webapp

        return build_webapp(self.app)

    @cached_property
    def deps(self) -> Deps:
        """requirements.txt, pre-requirements.txt, pyproject dependencies, packages.txt."""
        from spacedoctor.sources.deps import Deps

        return Deps(self.repo)

    @cached_property
    def install_plan(self) -> InstallPlan:
        """What the Space's build installs, and whether that picture is complete."""
        from spacedoctor.sources.deps import build_plan

        return build_plan(self)

    @cached_property
    def gitattributes(self) -> GitAttributes:
        """Every .gitattributes that applies to the Space, from the tree root down."""
        from spacedoctor.sources.gitattributes import attributes_of

        return attributes_of(self.repo)

    @cached_property
    def workflows(self) -> list[Workflow]:
        """GitHub workflows at the root of the audited tree."""
        from spacedoctor.sources.workflows import workflows_of

        return workflows_of(self.tree)

    @cached_property
    def launches(self) -> Launches:
        """The servers this Space starts: from CMD/ENTRYPOINT, the scripts they run, and code."""
        from spacedoctor.sources.launch import find_launches

        return find_launches(self)

    def require_docker(self) -> DockerImage:
        """The Dockerfile of a Docker Space, or SkipCheck saying why there is none to check."""
        if self.sdk not in (None, "docker"):
            raise SkipCheck(f"sdk is {self.sdk}, not docker")
        image = self.dockerfile
        if image is None:
            raise SkipCheck("no Dockerfile")
        if image.error is not None:
            raise SkipCheck("the Dockerfile could not be parsed (see SD200)")
        return image
