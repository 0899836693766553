"""NeoCare's clinical core: the guideline engine and the risk model.

Pure Python; never imports Django or `neocare`, so it runs in notebooks, the CLI and workers alike.
"""
