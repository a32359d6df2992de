"""The scoring engine: sourced observations in, 1-6 scores with coverage out. No Dash imports."""

from .methodology import Methodology, band_of, load_methodology
from .observations import Dataset, default_data_dir, load_dataset
from .pipeline import Results, score, wide_scores
from .validation import DataValidationError, Issue

__all__ = ["DataValidationError", "Dataset", "Issue", "Methodology", "Results", "band_of",
           "default_data_dir", "load_dataset", "load_methodology", "score", "wide_scores"]
