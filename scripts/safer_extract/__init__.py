"""Core of scripts/safer-extract: pairs JSONL in, activation safetensors out.

Importable with numpy alone (torch is needed only to run a model; Hugging
Face transformers only in the safer-extract script itself)."""

from .core import (ExtractError, extract, layer_aliases, merge, piece_bytes, plain_render,
                   sentence_ends, token_span, FLAG_SENT_END, FORMAT, SENT_GAP,
                   SIDE_CHOSEN, SIDE_PROMPT, SIDE_REJECTED)
from .pairs import InputError, read_labelled, read_pairs
from . import stfile

__all__ = ["ExtractError", "InputError", "extract", "layer_aliases", "merge", "piece_bytes",
           "plain_render", "read_labelled", "read_pairs", "sentence_ends", "stfile", "token_span",
           "FLAG_SENT_END", "FORMAT", "SENT_GAP", "SIDE_CHOSEN", "SIDE_PROMPT", "SIDE_REJECTED"]
