"""The kernel every module may use: the clock, column types, errors, version checks, text
normalisation, form pieces and the .docx page set-up. It imports nothing of the domain."""
