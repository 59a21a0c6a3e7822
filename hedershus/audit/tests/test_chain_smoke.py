from hedershus.audit.services import audit_record
from hedershus.audit.verify import audit_chain_verify


def test_recorded_events_form_an_intact_chain(counsellor):
    audit_record("user.viewed", actor=counsellor, target=counsellor)
    audit_record("user.viewed", actor=counsellor, target=counsellor)
    report = audit_chain_verify()
    assert report.intact
    assert report.checked == 2
