"""Experiments: typed, reusable functions that return plain data. Claims in ``claims/`` call them.

Heavy libraries (torch, pennylane, snntorch) are imported inside the functions, so that listing claims and
building the site from cached records never pays for importing them.
"""
