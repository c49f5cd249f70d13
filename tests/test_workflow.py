"""The workflow table: which steps are allowed from which status, with what."""
import pytest

from casework.cases import workflow
from casework.cases.workflow import TransitionRefused


@pytest.mark.parametrize("status, name, target", [
    ("assigned", "start_mediation", "mediation"),
    ("mediation", "draft_agreement", "agreement"),
    ("agreement", "mark_signed", "follow_up"),
    ("agreement", "back_to_mediation", "mediation"),
    ("follow_up", "new_round_table", "mediation"),
    ("referral", "close", "closed"),
    ("follow_up", "close", "closed"),
    ("closed", "reopen", "mediation"),
])
def test_allowed_transitions(status, name, target):
    assert workflow.find(status, name).target == target


@pytest.mark.parametrize("status, name", [
    ("referral", "start_mediation"),      # a referral is assigned first
    ("referral", "draft_agreement"),
    ("assigned", "mark_signed"),
    ("mediation", "mark_signed"),         # no signature without an agreement
    ("closed", "close"),
    ("closed", "start_mediation"),
    ("follow_up", "reopen"),
    ("mediation", "no_such_step"),
])
def test_refused_transitions(status, name):
    with pytest.raises(TransitionRefused):
        workflow.find(status, name)


def test_every_open_status_can_be_closed_and_only_closed_can_be_reopened():
    for status in workflow.OPEN_STATUSES:
        assert "close" in [t.name for t in workflow.transitions_from(status)]
        assert "reopen" not in [t.name for t in workflow.transitions_from(status)]
    assert [t.name for t in workflow.transitions_from("closed")] == ["reopen"]


def test_closing_needs_an_outcome_that_fits_the_status():
    workflow.check("follow_up", "close", outcome="agreement_respected")
    with pytest.raises(TransitionRefused):
        workflow.check("referral", "close", outcome="agreement_respected")
    with pytest.raises(TransitionRefused):
        workflow.check("mediation", "close", outcome=None)
    with pytest.raises(TransitionRefused):
        workflow.check("mediation", "close", outcome="made_up")


def test_reopening_and_going_back_need_a_reason():
    with pytest.raises(TransitionRefused):
        workflow.check("closed", "reopen", reason="  ")
    workflow.check("closed", "reopen", reason="The noise started again.")
    with pytest.raises(TransitionRefused):
        workflow.check("agreement", "back_to_mediation")


def test_every_outcome_is_reachable_and_not_eligible_only_early():
    reachable = {o for s in workflow.OPEN_STATUSES for o in workflow.outcomes_from(s)}
    assert reachable == set(workflow.OUTCOMES)
    assert "not_eligible" in workflow.outcomes_from("referral")
    assert "not_eligible" not in workflow.outcomes_from("follow_up")
    assert workflow.outcomes_from("follow_up")[:2] == ["agreement_respected",
                                                       "agreement_breached"]


def test_reopened_case_goes_back_to_mediation_or_to_the_referrals():
    assert workflow.reopen_target(lead_mediator_id=4) == "mediation"
    assert workflow.reopen_target(lead_mediator_id=None) == "referral"


def test_only_assigning_and_reopening_are_for_managers():
    assert [(t.name, t.action) for t in workflow.TRANSITIONS if t.action != "change"] == [
        ("assign", "assign"), ("reopen", "reopen")]


def test_every_transition_and_status_has_a_label():
    from casework.web.labels import OUTCOME_LABELS, STATUS_LABELS, TRANSITION_LABELS

    assert set(STATUS_LABELS) == set(workflow.STATUSES)
    assert set(OUTCOME_LABELS) == set(workflow.OUTCOMES)
    assert {t.name for t in workflow.TRANSITIONS} == set(TRANSITION_LABELS)
