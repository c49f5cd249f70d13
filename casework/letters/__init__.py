"""Letters and attestations about a case: the referrer's letters (case taken up, case
closed), the attestation of a mediation attempt (article 750-1 of the French code of
civil procedure), and letters to a party who cannot be reached or who declined."""
