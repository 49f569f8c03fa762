"""Training the `context` component (a spaCy `textcat_multilabel`): weak labels from the real
data, the project's own labels, a seeded training loop, and a save that keeps no training text.

`vigil nlp train` is the command; docs/extraction.md ("The context model") describes the data.
"""
