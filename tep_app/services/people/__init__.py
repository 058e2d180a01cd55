"""A young person's record: search, everything held about them, what an officer records without a
case, letters and visits, retention, subject access and erasure."""
