"""Exporters: records out to training formats (Hugging Face, spaCy DocBin, CoNLL, Prodigy) and to
annotation tools for review (Label Studio, doccano). One module per format."""
