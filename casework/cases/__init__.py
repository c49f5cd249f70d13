"""Cases: referral, parties, assignment, workflow, interventions and round tables."""
