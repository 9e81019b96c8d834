"""Region profiles as data: one validated TOML file per youth-care region."""

from jeugdtoegang.regions.loader import (
    available_slugs,
    clear_cache,
    load_all_profiles,
    load_profile,
    profiles_dir,
    read_profile_file,
)
from jeugdtoegang.regions.schema import (
    BESIDE_SEGMENT_IDS,
    DEFAULT_LIFE_DOMAINS,
    SHARED_SEGMENT_IDS,
    WONEN_VORMEN,
    Municipality,
    Policies,
    Product,
    ProfileError,
    RegionProfile,
    Segment,
    Settings,
    StrategicPartner,
    TermRules,
)

__all__ = [
    "BESIDE_SEGMENT_IDS",
    "DEFAULT_LIFE_DOMAINS",
    "SHARED_SEGMENT_IDS",
    "WONEN_VORMEN",
    "Municipality",
    "Policies",
    "Product",
    "ProfileError",
    "RegionProfile",
    "Segment",
    "Settings",
    "StrategicPartner",
    "TermRules",
    "available_slugs",
    "clear_cache",
    "load_all_profiles",
    "load_profile",
    "profiles_dir",
    "read_profile_file",
]
