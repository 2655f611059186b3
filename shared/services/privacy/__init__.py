"""Privacy operations: export what is a person's, forget a person, purge what outlived the retention period.

``subjects`` finds the person (or the leaver) and makes the keyed audit reference; ``ownership`` decides which
records are whose; ``operations`` exports and forgets; ``retention`` purges.
"""

from shared.services.privacy.operations import end_series, export_person, forget_person
from shared.services.privacy.ownership import TABLES, owned_records
from shared.services.privacy.retention import purge_expired
from shared.services.privacy.subjects import AUDIT, Subject, UnknownPerson, find_subject, subject_ref

__all__ = [
    "AUDIT",
    "TABLES",
    "Subject",
    "UnknownPerson",
    "end_series",
    "export_person",
    "find_subject",
    "forget_person",
    "owned_records",
    "purge_expired",
    "subject_ref",
]
