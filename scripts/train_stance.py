"""Train a scikit-learn stance classifier on the `stances` config of an export and print a
classification report.

    python scripts/train_stance.py build/hf

Loads the dataset with `datasets.load_dataset(DIR, "stances")` (no code, declared features),
trains TF-IDF + logistic regression on the sentence with the holder and target marked, and
reports on the test split (else validation, else train).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _text(row: dict) -> str:
    return f"{row['text']} [HOLDER] {row['holder'] or ''} [TARGET] {row['target'] or ''} [STANCE] {row['stance']}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("hf_dir", type=Path, help="An export directory (corpus export -o DIR).")
    args = parser.parse_args(argv)

    from datasets import load_dataset
    from sklearn.dummy import DummyClassifier
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import classification_report
    from sklearn.pipeline import make_pipeline

    ds = load_dataset(str(args.hf_dir), "stances")
    names = ds["train"].features["polarity"].names
    train = ds["train"]
    evaluation_split = next(s for s in ("test", "validation", "train") if s in ds)
    evaluation = ds[evaluation_split]
    x_train, y_train = [_text(r) for r in train], train["polarity"]
    classes = sorted(set(y_train))
    classifier = LogisticRegression(max_iter=1000) if len(classes) > 1 else DummyClassifier(strategy="most_frequent")
    if len(classes) == 1:
        print(f"note: the training split has one polarity ({names[classes[0]]}); using a majority baseline")
    model = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), min_df=1), classifier)
    model.fit(x_train, y_train)
    predicted = model.predict([_text(r) for r in evaluation])
    print(f"trained on {len(train)} stances, evaluated on {evaluation_split} ({len(evaluation)})")
    print(classification_report(evaluation["polarity"], predicted, labels=list(range(len(names))), target_names=names, zero_division=0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
