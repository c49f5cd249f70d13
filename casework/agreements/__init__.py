"""Agreement protocols (protocoles d'accord): drafting, the Word document, signing, follow-up."""
