# extract: activation extraction from a PyTorch reward model (scripts/)
# scripts/ (safer-extract and its safer_extract package) ships whole
# through EXTRA_DIST in Makefile.am.
TESTS += tests/test_extract.py
EXTRA_DIST += tests/test_extract.py
