"""Helpers that several experiments share: statistics, a state-vector simulator, a parallel map, a corpus,
a small GPT. Like the experiments, they are plain Python over torch, NumPy, PennyLane and snntorch, and never
import the engine."""
