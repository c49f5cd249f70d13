"""Reference lists an administrator keeps, in French and English: referral sources,
dispute categories, territories and partner organisations."""
