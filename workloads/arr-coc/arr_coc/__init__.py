"""ARR-COC: query-aware relevance realisation over a 32x32 patch grid, and token budgets per patch.

The maths follows upstream djwar42/arr-coc-0-1 (see ../README.md for where it differs from the guide).
"""

from .realizing import Allocation, RelevanceRealizer

__all__ = ["Allocation", "RelevanceRealizer"]
