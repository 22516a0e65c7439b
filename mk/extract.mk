# extract: activation extraction from a PyTorch reward model (scripts/)
