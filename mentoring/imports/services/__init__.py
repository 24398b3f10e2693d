"""Staff import: checking a read file against the database, then the all-or-nothing upsert.

`import_preview` says what a commit would do; `import_commit` does it in one transaction, after
checking everything again. Both run a fixed number of bulk queries whatever the file's size
(each lookup passes the file's keys as one parameter; see bulk.py), plus one per level of a
manager chain that leaves the file (managers.py).
"""

from mentoring.imports.services.commit import (
    cohort_for_shell,
    import_commit,
    import_preview,
    read_upload,
)
from mentoring.imports.services.planning import (
    LEARN,
    MAX_LISTED_CHANGES,
    OPTIONAL_PROFILE_FIELDS,
    PROFILE_FIELDS,
    TEACH,
)

__all__ = [
    "LEARN",
    "MAX_LISTED_CHANGES",
    "OPTIONAL_PROFILE_FIELDS",
    "PROFILE_FIELDS",
    "TEACH",
    "cohort_for_shell",
    "import_commit",
    "import_preview",
    "read_upload",
]
