"""Profiles are data: which rules run and the OpenCC config, read from TOML."""

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

DEFAULT_PROFILE = "zh-Hans-newspaper"
# Characters a page may have (the text contract's size limit): longer pages are quarantined.
MAX_PAGE_CHARS = 200_000


class ProfileError(ValueError):
    """An unknown profile name or a malformed profile file."""


@dataclass(frozen=True)
class Profile:
    name: str
    opencc: str | None = "t2s"
    jump_markers: bool = True
    doubled_lines: bool = True
    reflow: bool = True
    punctuation: bool = True
    spacing: bool = True
    max_page_chars: int = MAX_PAGE_CHARS
    description: str = ""


def _profiles_in(table: dict, source: str) -> dict[str, Profile]:
    out = {}
    fields = set(Profile.__dataclass_fields__) - {"name"}
    for name, settings in table.items():
        unknown = set(settings) - fields
        if unknown:
            raise ProfileError(f"{source}: profile {name!r} has unknown settings {sorted(unknown)}")
        settings = dict(settings)
        settings["opencc"] = settings.get("opencc") or None
        limit = settings.get("max_page_chars", MAX_PAGE_CHARS)
        if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
            raise ProfileError(f"{source}: profile {name!r}: max_page_chars must be a "
                               f"positive integer, not {limit!r}")
        out[name] = Profile(name=name, **settings)
    return out


@lru_cache(maxsize=1)
def builtin_profiles() -> dict[str, Profile]:
    text = resources.files("cleaners").joinpath("profiles.toml").read_text("utf-8")
    return _profiles_in(tomllib.loads(text)["profiles"], "cleaners/profiles.toml")


def _user_profiles(path: Path) -> dict[str, Profile]:
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise ProfileError(f"{path}: cannot read profiles: {err}") from err
    table = data.get("profiles") or data.get("tool", {}).get("qingyang", {}).get("profiles", {})
    return _profiles_in(table, str(path))


def load_profile(spec: str | Profile | None = None) -> Profile:
    """A profile by name, `FILE.toml:NAME`, or the default.

    Names are looked up in the built-in profiles, then in `[tool.qingyang.profiles]`
    of `./pyproject.toml`.

    >>> load_profile().opencc, load_profile("zh-Hant-newspaper").opencc
    ('t2s', None)
    """
    if isinstance(spec, Profile):
        return spec
    spec = spec or DEFAULT_PROFILE
    if ".toml:" in spec:
        file, _, name = spec.rpartition(":")
        found = _user_profiles(Path(file))
        if name not in found:
            raise ProfileError(f"{file}: no profile {name!r} (has {sorted(found)})")
        return found[name]
    known = builtin_profiles()
    if spec in known:  # the common case: no copy, no look at the working directory
        return known[spec]
    known = dict(known)
    local = Path("pyproject.toml")
    if local.is_file():
        known.update(_user_profiles(local))
    if spec not in known:
        raise ProfileError(f"unknown profile {spec!r}; known: {', '.join(sorted(known))}")
    return known[spec]
