"""The young person's record: finding anyone, their page and what any officer may record on it,
letters and visits, and the data-protection pages (subject access, erasure)."""
