"""Train a small spaCy NER model on a `corpus export --format spacy` directory and print P/R/F.

    python scripts/train_ner.py build/spacy --max-steps 200 -o /tmp/ner-model

Uses train.spacy for training and validation.spacy (else test.spacy, else train.spacy) to
evaluate. The config is spaCy's own default for an efficient English NER pipeline.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("spacy_dir", type=Path, help="The spacy/ folder of an export (train.spacy, validation.spacy, test.spacy).")
    parser.add_argument("--max-steps", type=int, default=200)
    parser.add_argument("-o", "--output", type=Path, default=None, help="Where to save the model (default: a temporary folder).")
    args = parser.parse_args(argv)

    import spacy
    from spacy.cli.init_config import init_config
    from spacy.cli.train import train
    from spacy.training import Corpus

    train_path = args.spacy_dir / "train.spacy"
    dev_path = next((p for p in (args.spacy_dir / "validation.spacy", args.spacy_dir / "test.spacy", train_path) if p.exists()), None)
    if not train_path.exists() or dev_path is None:
        print(f"error: {train_path} not found; export with `corpus export --format spacy`", file=sys.stderr)
        return 2
    config = init_config(lang="en", pipeline=["ner"], optimize="efficiency")
    config["training"]["max_steps"] = args.max_steps
    config["training"]["eval_frequency"] = max(10, args.max_steps // 4)
    config["paths"]["train"] = str(train_path)
    config["paths"]["dev"] = str(dev_path)
    with tempfile.TemporaryDirectory() as tmp:
        out = args.output or Path(tmp) / "model"
        cfg_path = Path(tmp) / "config.cfg"
        config.to_disk(cfg_path)
        train(cfg_path, output_path=out, overrides={"paths.train": str(train_path), "paths.dev": str(dev_path)})
        nlp = spacy.load(out / "model-last")
        examples = list(Corpus(str(dev_path))(nlp))
        scores = nlp.evaluate(examples)
    p, r, f = (scores.get(k) or 0.0 for k in ("ents_p", "ents_r", "ents_f"))
    print(f"evaluated on {dev_path.name}: {len(examples)} docs")
    print(f"NER precision {p:.3f} recall {r:.3f} F1 {f:.3f}")
    for label, s in sorted((scores.get("ents_per_type") or {}).items()):
        print(f"  {label:12s} P {s['p']:.3f} R {s['r']:.3f} F {s['f']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
