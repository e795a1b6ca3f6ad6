"""qingyang cleaners: pure text repair for OCR'd Chinese newspaper pages.

No I/O, no Prefect, no pandas. `clean(text)` runs the whole plan; each rule is
also importable on its own.
"""

from cleaners.markers import JumpMarker, find_jump_markers
from cleaners.plan import CleanResult, build_plan, clean
from cleaners.profiles import DEFAULT_PROFILE, Profile, ProfileError, load_profile

__all__ = [
    "DEFAULT_PROFILE",
    "CleanResult",
    "JumpMarker",
    "Profile",
    "ProfileError",
    "build_plan",
    "clean",
    "find_jump_markers",
    "load_profile",
]
