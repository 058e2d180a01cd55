"""`make bench`: the project's performance and accuracy measurements (see bench/__main__.py)."""
