"""The record contract shipped as package data: `record.schema.json` and the label registry `labels.json`."""
